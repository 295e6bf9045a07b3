import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { overlapsRange, requestedRanges } from "../../../db/range-lookup.js";
import { arrayParam, big, rows, str } from "../../../db/values.js";
import { type Conflict, type ErrorDetail, InvalidRequest, NotFound, SerialsConflict } from "../core/errors.js";
import { formatIssuanceId, type IssuanceId, parseIssuanceId } from "../core/ids.js";
import { intersect, type Range } from "../core/ranges.js";
import { freshSegment } from "../core/segments.js";
import { formatSerials } from "../core/serials.js";
import { appendJournal, type JournalEntry } from "../journal/journal.js";
import { ISSUANCE_COLUMNS, type IssuanceView, issuanceFromRow } from "../read/issuances.js";
import {
  type ExternalRef,
  externalRefsInsert,
  refuseIfTaken,
  requireDistinct,
  requireFree,
} from "../store/external-refs.js";
import { isConstraintViolation } from "../store/pg-errors.js";
import { insertSegments, lockRegistries } from "../store/segments.js";
import { transact } from "../store/transact.js";
import type { Actor, Deps } from "./deps.js";
import { operates, requireOperated } from "./registry-scope.js";

export interface IssuanceParams {
  projectRef: string;
  registry: string;
  vintage: number;
  monitoringPeriod: { start: string; end: string };
  serialStart: bigint;
  serialEnd: bigint;
  /** The references the registry gives the issuance in its own system. */
  externalRefs?: readonly ExternalRef[] | undefined;
}

interface ExistingOverlap {
  index: number;
  issuanceId: bigint;
  project: string;
  vintage: number;
  range: Range;
}

/** Existing issuances that overlap any of the proposed ones, with the overlapping units. */
async function existingOverlaps(db: Db, proposed: readonly IssuanceParams[]): Promise<ExistingOverlap[]> {
  const found = await rows(
    db,
    sql`SELECT r.ord::int AS ord, i.id::text AS id, i.project_ref, i.vintage,
               lower(i.serials)::text AS lo, (upper(i.serials) - 1)::text AS hi
        FROM ${requestedRanges(proposed.map((p) => ({ registry: p.registry, start: p.serialStart, end: p.serialEnd })))}
        JOIN LATERAL (
          SELECT * FROM issuances i WHERE ${overlapsRange("issuances", "i", sql`r.registry`, sql`r.s`, sql`r.e`)}
        ) i ON true
        ORDER BY r.ord, lower(i.serials)`,
  );
  return found.map((r) => {
    const p = proposed[Number(r.ord) - 1] as IssuanceParams;
    const range = intersect({ start: big(r.lo), end: big(r.hi) }, { start: p.serialStart, end: p.serialEnd });
    return {
      index: Number(r.ord) - 1,
      issuanceId: big(r.id),
      project: str(r.project_ref),
      vintage: Number(r.vintage),
      range: range ?? { start: p.serialStart, end: p.serialEnd },
    };
  });
}

function overlapConflict(p: IssuanceParams, o: ExistingOverlap): Conflict & { issuanceId: string } {
  return {
    serials: formatSerials({ registry: p.registry, project: o.project, vintage: o.vintage, ...o.range }),
    state: "issued",
    issuanceId: formatIssuanceId(o.issuanceId),
  };
}

function doubleIssuance(p: IssuanceParams, overlaps: ExistingOverlap[]): SerialsConflict {
  return new SerialsConflict(
    "double_issuance",
    `Units of registry ${p.registry} are already issued`,
    overlaps.map((o) => overlapConflict(p, o)),
  );
}

/** Checks that do not need the database: one message per fault. */
function rowFaults(p: IssuanceParams): string[] {
  const faults: string[] = [];
  if (p.serialStart > p.serialEnd) faults.push(`serialStart ${p.serialStart} is greater than serialEnd ${p.serialEnd}`);
  if (p.monitoringPeriod.start > p.monitoringPeriod.end) {
    faults.push(`monitoring period starts (${p.monitoringPeriod.start}) after it ends (${p.monitoringPeriod.end})`);
  }
  return faults;
}

async function missingProjects(db: Db, refs: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(refs)];
  const found = await rows(db, sql`SELECT ref FROM projects WHERE ref = ANY(${arrayParam(unique, "text")})`);
  const present = new Set(found.map((r) => str(r.ref)));
  return new Set(unique.filter((r) => !present.has(r)));
}

const BATCH = 5_000;

/**
 * After a bulk import the planner's row counts are stale until autovacuum comes by, and PGlite has
 * no autovacuum at all: a journal it believes empty gets scanned whole for every lookup. Refreshing
 * the statistics of the tables an import grows keeps the next requests on their indexes.
 */
const REFRESH_STATISTICS_AFTER = 1_000;

async function refreshStatistics(db: Db): Promise<void> {
  await db.execute(sql`ANALYZE issuances, segments, journal, journal_ranges`);
}

/** Writes issuances that were checked, each with one `in_registry` segment and a genesis journal entry. */
async function insertIssuances(
  tx: Db,
  actor: Actor,
  at: Date,
  list: readonly IssuanceParams[],
): Promise<IssuanceView[]> {
  const views: IssuanceView[] = [];
  for (let offset = 0; offset < list.length; offset += BATCH) {
    const batch = list.slice(offset, offset + BATCH);
    const inserted = await rows(
      tx,
      sql`WITH ins AS (
            INSERT INTO issuances (project_ref, registry, vintage, monitoring_start, monitoring_end, serials, created_by, created_at)
            SELECT u.p, u.r, u.v, u.ms, u.me, int8range(u.s, u.e, '[]'), ${actor.id}, ${at.toISOString()}
            FROM unnest(${arrayParam(
              batch.map((p) => p.projectRef),
              "text",
            )}, ${arrayParam(
              batch.map((p) => p.registry),
              "text",
            )}, ${arrayParam(
              batch.map((p) => p.vintage),
              "int4",
            )}, ${arrayParam(
              batch.map((p) => p.monitoringPeriod.start),
              "date",
            )}, ${arrayParam(
              batch.map((p) => p.monitoringPeriod.end),
              "date",
            )}, ${arrayParam(
              batch.map((p) => p.serialStart),
              "int8",
            )}, ${arrayParam(
              batch.map((p) => p.serialEnd),
              "int8",
            )}) AS u(p, r, v, ms, me, s, e)
            RETURNING *)
          SELECT ${ISSUANCE_COLUMNS} FROM ins i JOIN projects p ON p.ref = i.project_ref`,
    );
    const byKey = new Map(inserted.map((r) => [`${str(r.registry)}:${big(r.lo)}`, r]));
    const ordered = batch.map((p) => issuanceFromRow(byKey.get(`${p.registry}:${p.serialStart}`) ?? {}));
    const ids = ordered.map((v) => parseIssuanceId(v.id) as IssuanceId);
    await insertSegments(
      tx,
      ids,
      batch.map((p) => freshSegment({ start: p.serialStart, end: p.serialEnd })),
    );
    const entries = await appendJournal(
      tx,
      ordered.map((v, k) => ({
        chain: `iss:${ids[k]}`,
        kind: "issuance.created",
        actor: actor.id,
        at,
        serials: [v.serials],
        details: {
          issuanceId: v.id,
          projectRef: v.projectRef,
          registry: v.registry,
          vintage: v.vintage,
          monitoringPeriod: v.monitoringPeriod,
          quantity: v.quantity,
          ...(batch[k]?.externalRefs?.length ? { externalRefs: batch[k]?.externalRefs } : {}),
        },
        ranges: [{ issuanceId: ids[k] as IssuanceId, start: BigInt(v.serialStart), end: BigInt(v.serialEnd) }],
      })),
      { newChains: true },
    );
    const records = batch.flatMap((p, k) =>
      p.externalRefs?.length
        ? [
            {
              kind: "issuance" as const,
              recordId: (ordered[k] as IssuanceView).id,
              serials: [(ordered[k] as IssuanceView).serials],
              journalSeq: (entries[k] as JournalEntry).seq,
              refs: p.externalRefs,
            },
          ]
        : [],
    );
    if (records.length > 0) await tx.execute(externalRefsInsert(records, at));
    views.push(...ordered);
  }
  return views;
}

export async function createIssuance(deps: Deps, actor: Actor, p: IssuanceParams): Promise<IssuanceView> {
  requireOperated(actor, [p.registry]);
  const faults = rowFaults(p);
  if (faults.length > 0) throw new InvalidRequest(faults.map((message) => ({ path: "body", message })));
  if ((await missingProjects(deps.db, [p.projectRef])).size > 0) {
    throw new NotFound("project_not_found", `No project with reference ${p.projectRef}`);
  }
  const refs = p.externalRefs ?? [];
  requireDistinct(refs.map((ref, i) => ({ path: `externalRefs.${i}`, ref })));
  try {
    const [view] = await transact(deps.db, async (tx) => {
      await lockRegistries(tx, [p.registry]);
      await requireFree(tx, refs);
      const overlaps = await existingOverlaps(tx, [p]);
      if (overlaps.length > 0) throw doubleIssuance(p, overlaps);
      return insertIssuances(tx, actor, deps.clock(), [p]);
    });
    return view as IssuanceView;
  } catch (error) {
    // The exclusion constraint is the last word, should a writer ever bypass the registry lock.
    if (isConstraintViolation(error, "issuances_no_overlap"))
      throw doubleIssuance(p, await existingOverlaps(deps.db, [p]));
    await refuseIfTaken(deps.db, error, refs);
    throw error;
  }
}

export interface ImportRow {
  /** 1-based position among the data rows. */
  row: number;
  /** Line of the CSV file, where the rows came from one. */
  line?: number | undefined;
  params: IssuanceParams;
}

function where(r: ImportRow): Pick<ErrorDetail, "path"> & { row: number; line?: number } {
  return r.line === undefined
    ? { path: `issuances.${r.row - 1}`, row: r.row }
    : { path: `line ${r.line}`, row: r.row, line: r.line };
}

function badRows(errors: ErrorDetail[]): InvalidRequest {
  return new InvalidRequest(errors.sort((a, b) => Number(a.row ?? 0) - Number(b.row ?? 0)));
}

/** All or nothing: every faulty row is reported, and none is written unless all are sound. */
export async function importIssuances(deps: Deps, actor: Actor, list: readonly ImportRow[]): Promise<IssuanceView[]> {
  const outside = list.filter((r) => !operates(actor, r.params.registry));
  requireOperated(
    actor,
    outside.map((r) => r.params.registry),
    outside.map((r) => ({ ...where(r), message: `registry ${r.params.registry} is not operated by the caller` })),
  );
  const errors: ErrorDetail[] = [];
  const missing = await missingProjects(
    deps.db,
    list.map((r) => r.params.projectRef),
  );
  for (const r of list) {
    for (const message of rowFaults(r.params)) errors.push({ ...where(r), message });
    if (missing.has(r.params.projectRef)) {
      errors.push({ ...where(r), message: `no project with reference ${r.params.projectRef}` });
    }
  }
  const sorted = [...list].sort((a, b) =>
    a.params.registry !== b.params.registry
      ? a.params.registry < b.params.registry
        ? -1
        : 1
      : a.params.serialStart < b.params.serialStart
        ? -1
        : 1,
  );
  let reach: ImportRow | undefined;
  for (const r of sorted) {
    if (reach && reach.params.registry === r.params.registry && r.params.serialStart <= reach.params.serialEnd) {
      errors.push({ ...where(r), message: `overlaps row ${reach.row} in registry ${r.params.registry}` });
    }
    if (!reach || reach.params.registry !== r.params.registry || r.params.serialEnd > reach.params.serialEnd) reach = r;
  }
  const params = list.map((r) => r.params);
  const refs = params.flatMap((p) => p.externalRefs ?? []);
  requireDistinct(list.flatMap((r) => (r.params.externalRefs ?? []).map((ref) => ({ path: where(r).path, ref }))));
  const overlapping = async (db: Db) =>
    (await existingOverlaps(db, params)).map((o) => {
      const r = list[o.index] as ImportRow;
      const c = overlapConflict(r.params, o);
      return { ...where(r), message: `overlaps issuance ${c.issuanceId}: ${c.serials} already issued` };
    });
  // A refused import names every bad row; a sound one is checked for overlaps under the registry locks.
  if (errors.length > 0) throw badRows([...errors, ...(await overlapping(deps.db))]);
  try {
    const imported = await transact(deps.db, async (tx) => {
      await lockRegistries(
        tx,
        params.map((p) => p.registry),
      );
      const overlaps = await overlapping(tx);
      if (overlaps.length > 0) throw badRows(overlaps);
      await requireFree(tx, refs);
      return insertIssuances(tx, actor, deps.clock(), params);
    });
    if (imported.length >= REFRESH_STATISTICS_AFTER) await refreshStatistics(deps.db);
    return imported;
  } catch (error) {
    if (isConstraintViolation(error, "issuances_no_overlap")) {
      const conflicts = (await existingOverlaps(deps.db, params)).map((o) =>
        overlapConflict(list[o.index]?.params as IssuanceParams, o),
      );
      throw new SerialsConflict("double_issuance", "Units of this import were issued concurrently", conflicts);
    }
    await refuseIfTaken(deps.db, error, refs);
    throw error;
  }
}
