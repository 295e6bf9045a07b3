import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { arrayParam, rows } from "../../db/values.js";
import { type LoadResult, load, percentile, round } from "./load.js";
import { SEGMENTS_PER_ISSUANCE, UNITS_PER_ISSUANCE, UNITS_PER_SEGMENT } from "./prepare.js";

/** Serial strings of the benchmark ledger: issuance g covers units g·10⁶+1 … (g+1)·10⁶. */
export const serial = (start: number, end: number) => `JCM-JP-MN900-2020-${start}-${end}`;

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

const STATUS_SQL = (starts: number[], ends: number[]) => sql`
  SELECT r.ord, s.state, s.holder, s.claim_id, lower(s.serials) AS lo, upper(s.serials) AS hi
  FROM unnest(${arrayParam(starts, "int8")}, ${arrayParam(ends, "int8")}) WITH ORDINALITY AS r(s, e, ord)
  JOIN issuances i ON i.registry = 'JP' AND i.serials @> int8range(r.s, r.e, '[]')
  JOIN segments s ON s.issuance_id = i.id AND s.serials && int8range(r.s, r.e, '[]')`;

/** The database work of a status lookup, as one raw query: resolve the issuance, read its segments. */
export async function rawStatus(db: Db, ranges: [number, number][]): Promise<number> {
  const found = await rows(
    db,
    STATUS_SQL(
      ranges.map((r) => r[0]),
      ranges.map((r) => r[1]),
    ),
  );
  return found.length;
}

/** The database work of one claim of the first 10 units of a fresh held block, in raw SQL. */
export async function rawClaim(db: Db, block: number, n: number): Promise<void> {
  const g = Math.floor(block / SEGMENTS_PER_ISSUANCE);
  const start = g * UNITS_PER_ISSUANCE + 1 + (block % SEGMENTS_PER_ISSUANCE) * UNITS_PER_SEGMENT;
  await db.transaction(async (tx) => {
    const [iss] = await rows(
      tx,
      sql`SELECT id FROM issuances WHERE registry = 'JP' AND serials @> ${start}::int8 FOR NO KEY UPDATE`,
    );
    const id = BigInt(String(iss?.id));
    const [seg] = await rows(
      tx,
      sql`SELECT id, authorized FROM segments WHERE issuance_id = ${id} AND serials @> ${start}::int8 AND state = 'held'`,
    );
    await tx.execute(sql`DELETE FROM segments WHERE id = ${BigInt(String(seg?.id))}`);
    const claimId = `clm_raw_${n}_${block}`;
    await tx.execute(sql`
      INSERT INTO segments (issuance_id, serials, state, holder, claim_id, authorized, corresponding_adjustment) VALUES
        (${id}, int8range(${start}, ${start + 10}), 'claimed', 'org_bench_company', ${claimId}, ${seg?.authorized === true}, false),
        (${id}, int8range(${start + 10}, ${start + UNITS_PER_SEGMENT}), 'held', 'org_bench_company', NULL, ${seg?.authorized === true}, false)`);
    await tx.execute(
      sql`INSERT INTO use_ranges (issuance_id, serials, claim_id) VALUES (${id}, int8range(${start}, ${start + 10}), ${claimId})`,
    );
    const [seq] = await rows(tx, sql`SELECT nextval(pg_get_serial_sequence('journal', 'seq')) AS seq`);
    await tx.execute(sql`
      INSERT INTO journal (seq, chain, at, kind, actor, serials, details, prev_hash, hash)
      VALUES (${BigInt(String(seq?.seq))}, ${`iss:${id}`}, now(), 'claim', 'org_bench_company', ARRAY[${serial(start, start + 9)}],
              '{}'::jsonb, ${"0".repeat(64)}, ${claimId.padEnd(64, "0")})`);
    await tx.execute(sql`
      INSERT INTO claims (id, claimant_id, beneficiary_name, beneficiary_country, claim_type, purpose, period_start, period_end,
                          serials, quantity, host_countries, journal_seq, journal_hash, created_at)
      VALUES (${claimId}, 'org_bench_company', 'B', 'JP', 'contribution', 'bench', '2025-01-01', '2025-12-31',
              ARRAY[${serial(start, start + 9)}], 10, ARRAY['MN'], ${BigInt(String(seq?.seq))}, ${claimId.padEnd(64, "0")}, now())`);
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

export { load };
