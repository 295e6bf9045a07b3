import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { overlapsRange } from "../../../db/range-lookup.js";
import {
  after,
  arrayParam,
  big,
  bool,
  type NamedWrite,
  preparedRows,
  type Row,
  strOrNull,
} from "../../../db/values.js";
import type { IssuanceId } from "../core/ids.js";
import type { Range } from "../core/ranges.js";
import { type Segment, sameAttrs, type UnitState } from "../core/segments.js";
import type { IssuanceTargets } from "./resolve.js";

/** Reading and writing segments and terminal-use ranges. The one place that writes segments. */
export interface StoredSegment extends Segment {
  id: bigint;
}

export const SEGMENT_COLUMNS =
  sql.raw(`s.id::text AS id, lower(s.serials)::text AS lo, (upper(s.serials) - 1)::text AS hi,
  s.state, s.holder, s.claim_id, s.report_id, s.token_id, s.authorization_id, s.first_transferred, s.corresponding_adjustment`);

export function segmentFromRow(row: Row): StoredSegment {
  return {
    id: big(row.id),
    start: big(row.lo),
    end: big(row.hi),
    state: row.state as UnitState,
    holder: strOrNull(row.holder),
    claimId: strOrNull(row.claim_id),
    reportId: strOrNull(row.report_id),
    tokenId: strOrNull(row.token_id),
    authorizationId: strOrNull(row.authorization_id),
    firstTransferred: bool(row.first_transferred),
    correspondingAdjustment: bool(row.corresponding_adjustment),
  };
}

/** Takes the write locks of these issuances, always in id order so that writers never deadlock. */
export async function lockIssuances(db: Db, ids: readonly bigint[]): Promise<void> {
  const sorted = [...new Set(ids)].sort((a, b) => (a < b ? -1 : 1));
  await preparedRows(
    db,
    sql`SELECT id FROM issuances WHERE id = ANY(${arrayParam(sorted, "int8")}) ORDER BY id FOR NO KEY UPDATE`,
  );
}

/** The advisory-lock namespace of issuance writers ("JCM" and 1), so no other lock of the database collides with it. */
const REGISTRY_LOCKS = 0x4a434d01;

/**
 * Serialises issuance writers per registry for the rest of the transaction, in code order. Inserts
 * racing under the exclusion constraint wait on each other and deadlock in cycles; one writer at a
 * time per registry checks for overlaps and inserts, so a loser is refused at once instead.
 */
export async function lockRegistries(db: Db, registries: readonly string[]): Promise<void> {
  const sorted = [...new Set(registries)].sort();
  await preparedRows(
    db,
    sql`SELECT pg_advisory_xact_lock(${REGISTRY_LOCKS}::int4, hashtext(r)) FROM unnest(${arrayParam(sorted, "text")}) AS r ORDER BY r`,
  );
}

/**
 * Segments touching the target ranges of every group or adjacent to them (so that merges with
 * neighbours are seen), in one query whose rows name their issuance (`iss`).
 */
export function targetSegmentsSql(groups: readonly IssuanceTargets[]): SQL {
  const ranges = targetRanges(groups).map((r) => ({ ...r, start: r.start - 1n, end: r.end + 1n }));
  return sql`SELECT DISTINCT s.issuance_id::text AS iss, ${SEGMENT_COLUMNS}
        FROM ${rangesTable(ranges, "r")}
        JOIN segments s ON ${overlapsRange("segments", "s", sql`r.iss`, sql`r.s`, sql`r.e`)}`;
}

/** The rows of `targetSegmentsSql` per group, each list in serial order. */
export function segmentsPerGroup(groups: readonly IssuanceTargets[], found: readonly Row[]): StoredSegment[][] {
  const byIssuance = new Map<bigint, StoredSegment[]>(groups.map((g) => [g.issuanceId, []]));
  for (const row of found) byIssuance.get(big(row.iss))?.push(segmentFromRow(row));
  return groups.map((g) => (byIssuance.get(g.issuanceId) ?? []).sort((a, b) => (a.start < b.start ? -1 : 1)));
}

/** `targetSegmentsSql` run on its own. */
export async function loadTargetSegments(db: Db, groups: readonly IssuanceTargets[]): Promise<StoredSegment[][]> {
  return segmentsPerGroup(groups, await preparedRows(db, targetSegmentsSql(groups)));
}

function key(s: Segment): string {
  return `${s.start}:${s.end}`;
}

/** A change of one issuance's segments: the stored ones it read, and what they become. */
export interface SegmentChange {
  issuanceId: bigint;
  old: readonly StoredSegment[];
  next: readonly Segment[];
}

/**
 * The writes replacing `old` by `next` in each change, touching only rows that actually change:
 * one delete, and one insert that waits for it (the new rows take the place of the deleted ones).
 */
export function segmentWrites(changes: readonly SegmentChange[]): (SQL | NamedWrite)[] {
  const deletes: bigint[] = [];
  const inserts: { issuanceId: bigint; segment: Segment }[] = [];
  for (const { issuanceId, old, next } of changes) {
    const oldByKey = new Map(old.map((s) => [key(s), s]));
    const kept = new Set<bigint>();
    for (const s of next) {
      const same = oldByKey.get(key(s));
      if (same && sameAttrs(same, s)) kept.add(same.id);
      else inserts.push({ issuanceId, segment: s });
    }
    for (const s of old) if (!kept.has(s.id)) deletes.push(s.id);
  }
  const writes: (SQL | NamedWrite)[] = [];
  if (deletes.length > 0) {
    writes.push({
      name: "segments_gone",
      statement: sql`DELETE FROM segments WHERE id = ANY(${arrayParam(deletes, "int8")}) RETURNING id`,
    });
  }
  if (inserts.length > 0) {
    writes.push(
      segmentsInsert(
        inserts.map((i) => i.issuanceId),
        inserts.map((i) => i.segment),
        deletes.length > 0 ? after("segments_gone") : undefined,
      ),
    );
  }
  return writes;
}

/** The statement writing segments, each of its issuance; `when` holds back its rows (see `after`). */
export function segmentsInsert(ids: readonly bigint[], segs: readonly Segment[], when: SQL = sql`true`): SQL {
  return sql`
    INSERT INTO segments (issuance_id, serials, state, holder, claim_id, report_id, token_id, authorization_id,
                          first_transferred, corresponding_adjustment)
    SELECT u.iss, int8range(u.s, u.e, '[]'), u.state, u.holder, u.claim, u.report, u.token, u.auth, u.ft, u.ca
    FROM unnest(${arrayParam(ids, "int8")}, ${arrayParam(
      segs.map((s) => s.start),
      "int8",
    )}, ${arrayParam(
      segs.map((s) => s.end),
      "int8",
    )}, ${arrayParam(
      segs.map((s) => s.state),
      "text",
    )}, ${arrayParam(
      segs.map((s) => s.holder),
      "text",
    )}, ${arrayParam(
      segs.map((s) => s.claimId),
      "text",
    )}, ${arrayParam(
      segs.map((s) => s.reportId),
      "text",
    )}, ${arrayParam(
      segs.map((s) => s.tokenId),
      "text",
    )}, ${arrayParam(
      segs.map((s) => s.authorizationId),
      "text",
    )}, ${arrayParam(
      segs.map((s) => s.firstTransferred),
      "bool",
    )}, ${arrayParam(
      segs.map((s) => s.correspondingAdjustment),
      "bool",
    )}) AS u(iss, s, e, state, holder, claim, report, token, auth, ft, ca)
    WHERE ${when}`;
}

export interface UseRange extends Range {
  issuanceId: bigint;
}

/** The target ranges of every issuance of a change, each with its issuance. */
export function targetRanges(groups: readonly IssuanceTargets[]): (Range & { issuanceId: IssuanceId })[] {
  return groups.flatMap((g) => g.ranges.map((r) => ({ issuanceId: g.issuanceId, ...r })));
}

/** Ranges as the rows `alias(iss, s, e)` of a statement, one array parameter per column. */
export function rangesTable(ranges: readonly UseRange[], alias: string): SQL {
  return sql`unnest(${arrayParam(
    ranges.map((r) => r.issuanceId),
    "int8",
  )}, ${arrayParam(
    ranges.map((r) => r.start),
    "int8",
  )}, ${arrayParam(
    ranges.map((r) => r.end),
    "int8",
  )}) AS ${sql.raw(alias)}(iss, s, e)`;
}

/** The statement recording terminal uses in their own table, whose exclusion constraint is the last word. */
export function useRangesInsert(ranges: readonly UseRange[], use: { claimId: string } | { reportId: string }): SQL {
  const claimId = "claimId" in use ? use.claimId : null;
  const reportId = "reportId" in use ? use.reportId : null;
  return sql`
    INSERT INTO use_ranges (issuance_id, serials, claim_id, report_id)
    SELECT u.iss, int8range(u.s, u.e, '[]'), ${claimId}::text, ${reportId}::text
    FROM ${rangesTable(ranges, "u")}`;
}

export async function insertUseRanges(
  db: Db,
  ranges: readonly UseRange[],
  use: { claimId: string } | { reportId: string },
): Promise<void> {
  await db.execute(useRangesInsert(ranges, use));
}
