import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { overlapsRange, requestedRanges } from "../../../db/range-lookup.js";
import { arrayParam, big, readTogether, rows, str, writeTogether } from "../../../db/values.js";
import { type Conflict, type ErrorDetail, InvalidRequest, NotFound, SerialsConflict } from "../core/errors.js";
import { formatIssuanceId, type IssuanceId, issuanceIdOf } from "../core/ids.js";
import { intersect, type Range } from "../core/ranges.js";
import { freshSegment } from "../core/segments.js";
import { formatSerials } from "../core/serials.js";
import {
  type JournalEntry,
  type JournalInput,
  type JournalSlots,
  journalInserts,
  journalSlotsFromRows,
  journalSlotsSql,
  numberEntries,
} from "../journal/journal.js";
import { type IssuanceTerms, type IssuanceView, issuanceView } from "../read/issuances.js";
import {
  type ExternalRef,
  externalRefsInsert,
  refuseIfTaken,
  requireDistinct,
  requireFree,
} from "../store/external-refs.js";
import { isConstraintViolation } from "../store/pg-errors.js";
import { lockRegistries, segmentsInsert } from "../store/segments.js";
import { transact } from "../store/transact.js";
import type { Actor, Deps } from "./deps.js";
import { operates, requireOperated } from "./registry-scope.js";

export interface IssuanceParams extends IssuanceTerms {
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

/** The statements that write one batch of checked issuances, built before the previous batch is written. */
interface IssuanceBatch {
  issuances: SQL;
  rest: SQL[];
}

function issuanceBatch(
  actor: Actor,
  at: Date,
  batch: readonly { p: IssuanceParams; view: IssuanceView; id: IssuanceId; seq: bigint }[],
  heads: JournalSlots["heads"],
): IssuanceBatch {
  const inputs: JournalInput[] = batch.map(({ p, view, id }) => ({
    chain: `iss:${id}`,
    kind: "issuance.created",
    actor: actor.id,
    at,
    serials: [view.serials],
    details: {
      issuanceId: view.id,
      projectRef: view.projectRef,
      registry: view.registry,
      vintage: view.vintage,
      monitoringPeriod: view.monitoringPeriod,
      quantity: view.quantity,
      ...(p.externalRefs?.length ? { externalRefs: p.externalRefs } : {}),
    },
    ranges: [{ issuanceId: id, start: p.serialStart, end: p.serialEnd }],
  }));
  const entries = numberEntries(inputs, { seqs: batch.map((b) => b.seq), heads });
  const records = batch.flatMap(({ p, view }, k) =>
    p.externalRefs?.length
      ? [
          {
            kind: "issuance" as const,
            recordId: view.id,
            serials: [view.serials],
            journalSeq: (entries[k] as JournalEntry).seq,
            refs: p.externalRefs,
          },
        ]
      : [],
  );
  const column = <T extends string | bigint | number>(of: (b: (typeof batch)[number]) => T, type: string) =>
    arrayParam(batch.map(of), type);
  return {
    issuances: sql`
      INSERT INTO issuances (id, project_ref, registry, vintage, monitoring_start, monitoring_end, serials, created_by, created_at)
      OVERRIDING SYSTEM VALUE
      SELECT u.id, u.p, u.r, u.v, u.ms, u.me, int8range(u.s, u.e, '[]'), ${actor.id}, ${at.toISOString()}
      FROM unnest(${column((b) => b.id, "int8")}, ${column((b) => b.p.projectRef, "text")}, ${column(
        (b) => b.p.registry,
        "text",
      )}, ${column((b) => b.p.vintage, "int4")}, ${column((b) => b.p.monitoringPeriod.start, "date")}, ${column(
        (b) => b.p.monitoringPeriod.end,
        "date",
      )}, ${column((b) => b.p.serialStart, "int8")}, ${column(
        (b) => b.p.serialEnd,
        "int8",
      )}) AS u(id, p, r, v, ms, me, s, e)`,
    rest: [
      segmentsInsert(
        batch.map((b) => b.id),
        batch.map(({ p }) => freshSegment({ start: p.serialStart, end: p.serialEnd })),
      ),
      ...journalInserts(entries, inputs),
      ...(records.length > 0 ? [externalRefsInsert(records, at)] : []),
    ],
  };
}

/**
 * Writes issuances that were checked, each with one `in_registry` segment and a genesis journal
 * entry. Ids and journal numbers are drawn for all of them first, so each batch's rows (and its
 * entries' hashes) are built while the database writes the batch before: the two cores work at
 * once. A batch's segments and entries go in the statement after its issuances (the containment
 * trigger must see them), beside the next batch's issuances.
 */
async function insertIssuances(
  tx: Db,
  actor: Actor,
  at: Date,
  list: readonly IssuanceParams[],
): Promise<IssuanceView[]> {
  if (list.length === 0) return [];
  const drawn = await readTogether(tx, {
    ids: sql`SELECT nextval(pg_get_serial_sequence('issuances', 'id'))::text AS id FROM generate_series(1, ${list.length})`,
    journal: journalSlotsSql(list.length, []),
    projects: sql`SELECT ref, host_country FROM projects WHERE ref = ANY(${arrayParam(
      [...new Set(list.map((p) => p.projectRef))],
      "text",
    )})`,
  });
  const ids = drawn.ids.map((r) => big(r.id)).sort((a, b) => (a < b ? -1 : 1));
  const slots = journalSlotsFromRows(drawn.journal);
  const countries = new Map(drawn.projects.map((r) => [str(r.ref), str(r.host_country)]));
  const rowsOf = list.map((p, k) => {
    const id = issuanceIdOf(ids[k] as bigint);
    return { p, id, seq: slots.seqs[k] as bigint, view: issuanceView(id, p, countries.get(p.projectRef) ?? "", at) };
  });
  const batches = Array.from({ length: Math.ceil(list.length / BATCH) }, (_, b) =>
    rowsOf.slice(b * BATCH, (b + 1) * BATCH),
  );
  // Statement k writes the issuances of batch k and the rest of batch k-1 (whose issuances are in).
  let built = issuanceBatch(actor, at, batches[0] ?? [], slots.heads);
  let carried: SQL[] = [];
  for (let b = 0; b < batches.length; b++) {
    const writing = writeTogether(tx, [...carried, built.issuances]);
    carried = built.rest;
    const following = b + 1 < batches.length ? issuanceBatch(actor, at, batches[b + 1] ?? [], slots.heads) : built;
    await writing;
    built = following;
  }
  await writeTogether(tx, carried);
  return rowsOf.map((r) => r.view);
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
