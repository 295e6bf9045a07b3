import { type SQL, sql } from "drizzle-orm";
import { authenticate } from "../../api/accounts/organizations.js";
import type { IssuanceId } from "../../api/ledger/core/ids.js";
import type { Range } from "../../api/ledger/core/ranges.js";
import { type Segment, sameAttrs } from "../../api/ledger/core/segments.js";
import {
  type JournalEntry,
  type JournalInput,
  journalInserts,
  journalSlotsFromRows,
  journalSlotsSql,
  prepareJournal,
} from "../../api/ledger/journal/journal.js";
import { claimInsert } from "../../api/ledger/ops/claims.js";
import { unitChain, unitEntry } from "../../api/ledger/ops/selection.js";
import { statementBounds, statusSql } from "../../api/ledger/read/status.js";
import { resolveAll } from "../../api/ledger/store/resolve.js";
import {
  loadTargetSegments,
  lockIssuances,
  type StoredSegment,
  segmentsInsert,
  segmentsPerGroup,
  segmentWrites,
  targetSegmentsSql,
  useRangesInsert,
} from "../../api/ledger/store/segments.js";
import type { Db } from "../../db/client.js";
import { arrayParam, preparedRows, readTogether, rows, writeTogether } from "../../db/values.js";
import { type LoadResult, percentile, round } from "./load.js";
import { BENCH_ORG, UNITS_PER_ISSUANCE } from "./prepare.js";

/** Serial strings of the benchmark ledger: issuance g covers units g·10⁶+1 … (g+1)·10⁶. */
export const serial = (start: number, end: number) => `JCM-JP-MN900-2020-${start}-${end}`;
export const CLAIM_UNITS = 10;

export function randomRange(issuances: number, rand: () => number): [number, number] {
  const g = Math.floor(rand() * issuances);
  const start = g * UNITS_PER_ISSUANCE + 1 + Math.floor(rand() * (UNITS_PER_ISSUANCE - 20));
  return [start, start + Math.floor(rand() * 10)];
}

/** A deterministic random source, so API and baseline ask for the same kind of ranges. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const rangeOf = ([start, end]: [number, number]) => ({
  registry: "JP",
  project: "MN900",
  vintage: 2020,
  start: BigInt(start),
  end: BigInt(end),
});

/**
 * The database work of status lookups, raw: the very statements the service sends, as many ranges
 * to each as it puts there, with the page size of a batch entry or of a single lookup, and nothing
 * around them.
 */
export async function rawStatus(db: Db, ranges: [number, number][], limit: number): Promise<number> {
  const bounds = statementBounds(db);
  let rows = 0;
  for (let at = 0; at < ranges.length; at += bounds.ranges) {
    const pages = ranges.slice(at, at + bounds.ranges).map((r) => {
      const range = rangeOf(r);
      return { range, from: range.start, limit };
    });
    rows += (await preparedRows(db, statusSql(pages, bounds.rows))).length;
  }
  return rows;
}

/**
 * First units of held segments, `count` of them, spread round-robin over the issuances so that
 * concurrent claims do not queue on one issuance's lock (contention has its own scenario). Read
 * from the ledger as it is, so a kept ledger never hands out units an earlier run claimed.
 */
export async function claimTargets(db: Db, count: number): Promise<number[]> {
  const found = await rows(
    db,
    sql`SELECT x.lo::text AS lo FROM (
          SELECT lower(s.serials) AS lo, s.issuance_id,
                 row_number() OVER (PARTITION BY s.issuance_id ORDER BY lower(s.serials)) AS k
          FROM segments s JOIN issuances i ON i.id = s.issuance_id AND i.project_ref = 'MN900' AND i.registry = 'JP'
          WHERE s.state = 'held' AND s.holder = ${BENCH_ORG} AND upper(s.serials) - lower(s.serials) >= ${CLAIM_UNITS}
        ) x ORDER BY x.k, x.issuance_id LIMIT ${count}`,
  );
  return found.map((r) => Number(r.lo));
}

const claimRecord = (claimId: string, at: Date) => ({
  id: claimId,
  claimant: BENCH_ORG,
  beneficiary: { name: "Bench", country: "JP" },
  claimType: "contribution" as const,
  purpose: "bench",
  period: { start: "2025-01-01", end: "2025-12-31" },
  at,
});

/** Units start…start+9 of one issuance as a claim's target, and the segments after claiming them. */
function claimPlan(id: IssuanceId, start: number, old: readonly StoredSegment[], claimId: string) {
  const range = rangeOf([start, start + CLAIM_UNITS - 1]);
  const groups = [
    { issuanceId: id, registry: "JP", project: "MN900", vintage: 2020, hostCountry: "MN", ranges: [range] },
  ];
  const next = old.flatMap((s) =>
    s.start === range.start
      ? [
          { ...s, end: range.end, state: "claimed" as const, claimId },
          { ...s, start: range.end + 1n },
        ]
      : [s],
  );
  return { range, groups, next };
}

/** The statements writing the claim's use, journal entry and claim row, for `writeTogether`. */
function claimRecordWrites(
  id: IssuanceId,
  range: Range,
  claimId: string,
  at: Date,
  entries: JournalEntry[],
  input: JournalInput,
): SQL[] {
  return [
    useRangesInsert([{ issuanceId: id, ...range }], { claimId }),
    ...journalInserts(entries, [input]),
    claimInsert(claimRecord(claimId, at), {
      serials: input.serials,
      quantity: CLAIM_UNITS,
      hostCountries: ["MN"],
      projectRefs: ["MN900"],
      entry: entries[0] as JournalEntry,
    }),
  ];
}

/**
 * The database work of one claim of units start…start+9, raw: the service's own statements for it
 * (README, "What a claim sends"): the key, then in a transaction placement and lock in one
 * statement, segments and journal head in one, and one write of the segments, use, journal entry
 * and claim; called directly, without HTTP, validation or the domain's planning.
 */
export async function rawClaim(db: Db, key: string, start: number, n: number): Promise<void> {
  await authenticate(db, key);
  await db.transaction(async (tx) => {
    const [placed] = await resolveAll(tx, [serial(start, start + CLAIM_UNITS - 1)], { lock: true });
    const id = placed?.issuanceId as IssuanceId;
    const claimId = `clm_raw_${n}_${start}`;
    const target = claimPlan(id, start, [], claimId);
    const read = await readTogether(tx, {
      segments: targetSegmentsSql(target.groups),
      journal: journalSlotsSql(1, [unitChain(target.groups)]),
    });
    const [old = []] = segmentsPerGroup(target.groups, read.segments);
    const { range, groups, next } = claimPlan(id, start, old, claimId);
    const at = new Date();
    const input = unitEntry(groups, { kind: "claim", actor: BENCH_ORG, at, details: { claimId } });
    const entries = await prepareJournal(tx, [input], { slots: journalSlotsFromRows(read.journal) });
    await writeTogether(tx, [
      ...segmentWrites([{ issuanceId: id, old, next }]),
      ...claimRecordWrites(id, range, claimId, at, entries, input),
    ]);
  });
}

/**
 * The same claim with the statement list the service sent before (one statement per step: key,
 * placement, lock, segments, delete, insert, journal head, one write of use, journal and claim), the
 * reference `claims_raw_statements` is compared with.
 */
export async function rawClaimBefore(db: Db, key: string, start: number, n: number): Promise<void> {
  await authenticate(db, key);
  await db.transaction(async (tx) => {
    const [placed] = await resolveAll(tx, [serial(start, start + CLAIM_UNITS - 1)]);
    const id = placed?.issuanceId as IssuanceId;
    await lockIssuances(tx, [id]);
    const claimId = `clm_raw_${n}_${start}`;
    const [old = []] = await loadTargetSegments(tx, claimPlan(id, start, [], claimId).groups);
    const { range, groups, next } = claimPlan(id, start, old, claimId);
    const same = (a: Segment, b: Segment) => a.start === b.start && a.end === b.end && sameAttrs(a, b);
    const gone = old.filter((o) => !next.some((s) => same(o, s))).map((o) => o.id);
    await preparedRows(tx, sql`DELETE FROM segments WHERE id = ANY(${arrayParam(gone, "int8")})`);
    const added = next.filter((s) => !old.some((o) => same(o, s)));
    await preparedRows(
      tx,
      segmentsInsert(
        added.map(() => id),
        added,
      ),
    );
    const at = new Date();
    const input = unitEntry(groups, { kind: "claim", actor: BENCH_ORG, at, details: { claimId } });
    const entries = await prepareJournal(tx, [input]);
    await writeTogether(tx, claimRecordWrites(id, range, claimId, at, entries, input));
  });
}

/** Units claimed more than once, counted from the database: the exclusion constraint keeps it 0. */
export async function doubleClaimedUnits(db: Db): Promise<number> {
  const [row] = await rows(
    db,
    sql`SELECT coalesce(sum(upper(a.serials * b.serials) - lower(a.serials * b.serials)), 0)::int8::text AS n
        FROM use_ranges a JOIN use_ranges b ON a.issuance_id = b.issuance_id AND a.id < b.id AND a.serials && b.serials`,
  );
  return Number(row?.n ?? 0);
}

export function summary(r: LoadResult, perRequest = 1) {
  return {
    rate: round(((r.requests - r.errors) * perRequest) / r.seconds, 1),
    p50: round(percentile(r.latencies, 50)),
    p99: round(percentile(r.latencies, 99)),
  };
}
