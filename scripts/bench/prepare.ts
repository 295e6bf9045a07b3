import { sql } from "drizzle-orm";
import { generateKey, hashKey } from "../../api/accounts/keys.js";
import type { Db } from "../../db/client.js";
import { arrayParam, rows } from "../../db/values.js";

/**
 * Bulk-loads a benchmark ledger with plain SQL (once per size; the API path is what is measured,
 * not the loading): issuances of 1,000,000 units split into 1,000 held segments each, alternating
 * the authorization flag so that neighbours stay distinct segments.
 */
export const SEGMENTS_PER_ISSUANCE = 1_000;
export const UNITS_PER_SEGMENT = 1_000;
export const UNITS_PER_ISSUANCE = SEGMENTS_PER_ISSUANCE * UNITS_PER_SEGMENT;
export const BENCH_ORG = "org_bench_company";
export const BENCH_REGISTRY = "org_bench_registry";

export interface Prepared {
  issuances: number;
  segments: number;
  companyKey: string;
  registryKey: string;
}

export async function prepared(db: Db): Promise<{ issuances: number } | undefined> {
  const [row] = await rows(
    db,
    sql`SELECT count(*)::int AS n FROM issuances WHERE project_ref = 'MN900' AND registry = 'JP'`,
  );
  const n = Number(row?.n ?? 0);
  return n > 0 ? { issuances: n } : undefined;
}

export async function prepare(db: Db, segments: number): Promise<void> {
  const issuances = Math.max(1, Math.round(segments / SEGMENTS_PER_ISSUANCE));
  const now = new Date().toISOString();
  await db.execute(sql`INSERT INTO organizations (id, name, role, country, registries, created_at) VALUES
    (${BENCH_ORG}, 'Bench company', 'company', 'JP', '{}', ${now}),
    (${BENCH_REGISTRY}, 'Bench registry', 'registry', 'JP', '{JP}', ${now})`);
  await db.execute(sql`INSERT INTO projects (ref, title, host_country, methodology, created_at)
    VALUES ('MN900', 'Benchmark project', 'MN', 'MN_AM003', ${now})`);
  await db.execute(sql`
    INSERT INTO issuances (project_ref, registry, vintage, monitoring_start, monitoring_end, serials, created_at)
    SELECT 'MN900', 'JP', 2020, '2019-01-01', '2020-12-31',
           int8range(g::int8 * ${UNITS_PER_ISSUANCE} + 1, (g::int8 + 1) * ${UNITS_PER_ISSUANCE} + 1), ${now}
    FROM generate_series(0, ${issuances - 1}) g`);
  // The containment trigger checks each row against its issuance; these rows are built inside them.
  await db.execute(sql`ALTER TABLE segments DISABLE TRIGGER segments_within_issuance`);
  const ids = await rows(
    db,
    sql`SELECT id::text AS id FROM issuances WHERE project_ref = 'MN900' ORDER BY issuances.id`,
  );
  for (let i = 0; i < ids.length; i += 50) {
    const batch = ids.slice(i, i + 50).map((r) => BigInt(String(r.id)));
    await db.execute(sql`
      INSERT INTO segments (issuance_id, serials, state, holder, corresponding_adjustment)
      SELECT x.id, int8range(lower(x.serials) + k * ${UNITS_PER_SEGMENT}, lower(x.serials) + (k + 1) * ${UNITS_PER_SEGMENT}),
             'held', ${BENCH_ORG}, k % 2 = 0
      FROM issuances x CROSS JOIN generate_series(0, ${SEGMENTS_PER_ISSUANCE - 1}) k
      WHERE x.id >= ${batch[0]} AND x.id <= ${batch.at(-1)}`);
  }
  await db.execute(sql`ALTER TABLE segments ENABLE TRIGGER segments_within_issuance`);
  await db.execute(sql`ANALYZE`);
}

/** The registry of the import scenario, which the benchmark registry operates beside its own. */
export const IMPORT_REGISTRY = "QZ";

/**
 * Fresh keys for the benchmark organizations (their secrets are not stored between runs); the
 * benchmark registry operates JP and the import's registry, also in ledgers kept from before.
 */
export async function benchKeys(db: Db): Promise<{ companyKey: string; registryKey: string }> {
  const { randomBytes } = await import("node:crypto");
  const now = new Date().toISOString();
  await db.execute(
    sql`UPDATE organizations SET registries = ${arrayParam(["JP", IMPORT_REGISTRY], "text")} WHERE id = ${BENCH_REGISTRY}`,
  );
  const make = async (org: string) => {
    const key = generateKey((n) => randomBytes(n));
    await db.execute(sql`INSERT INTO api_keys (id, organization_id, label, key_hash, created_at)
      VALUES (${`key_bench_${randomBytes(6).toString("hex")}`}, ${org}, 'bench', ${hashKey(key)}, ${now})`);
    return key;
  };
  return { companyKey: await make(BENCH_ORG), registryKey: await make(BENCH_REGISTRY) };
}
