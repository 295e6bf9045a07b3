import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client.js";
import { overlapsRange } from "../../db/range-lookup.js";
import { arrayParam, preparedRows, rows, writeTogether } from "../../db/values.js";
import { type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

class RollBack extends Error {}

/** Runs `work` in a transaction that is then rolled back, leaving the ledger as it was. */
async function rolledBack(db: Db, work: (tx: Db) => Promise<void>): Promise<void> {
  await db
    .transaction(async (tx) => {
      await work(tx);
      throw new RollBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RollBack)) throw error;
    });
}

const ids = async (db: Db, query: ReturnType<typeof sql>) => (await rows(db, query)).map((r) => String(r.id)).sort();

/** Cut points inside 1..span, as sorted distinct unit numbers where a new row starts. */
const cuts = (span: number) =>
  fc.uniqueArray(fc.integer({ min: 2, max: span }), { maxLength: 12 }).map((c) => c.sort((a, b) => a - b));
const query = (span: number) =>
  fc
    .tuple(fc.integer({ min: -5, max: span + 5 }), fc.integer({ min: 0, max: span }))
    .map(([s, len]) => [Math.max(0, s), Math.max(0, s) + len] as const);

describe.runIf(databaseAvailable())("range lookups on the B-tree of range starts", () => {
  let t: TestContext;
  let issuanceId: bigint;
  let project: string;
  const SPAN = 400;
  beforeAll(async () => {
    t = await testContext();
    const issued = await t.issue({ start: 1, end: SPAN });
    issuanceId = issued.id;
    project = issued.project;
  });
  afterAll(async () => {
    await t?.audit();
    await t?.close();
  });

  it("finds exactly the segments the GiST overlap operator finds", async () => {
    const db = t.database.db;
    await fc.assert(
      fc.asyncProperty(cuts(SPAN), fc.array(query(SPAN), { minLength: 1, maxLength: 8 }), async (starts, queries) => {
        const bounds = [1, ...starts, SPAN + 1];
        await rolledBack(db, async (tx) => {
          await tx.execute(sql`DELETE FROM segments WHERE issuance_id = ${issuanceId}`);
          await tx.execute(sql`
            INSERT INTO segments (issuance_id, serials, state, corresponding_adjustment)
            SELECT ${issuanceId}, int8range(u.s, u.e), 'in_registry', false
            FROM unnest(${arrayParam(bounds.slice(0, -1), "int8")}, ${arrayParam(bounds.slice(1), "int8")}) AS u(s, e)`);
          for (const [s, e] of queries) {
            const viaBtree = await ids(
              tx,
              sql`SELECT s.id FROM segments s
                  WHERE ${overlapsRange("segments", "s", sql`${issuanceId}::int8`, sql`${s}::int8`, sql`${e}::int8`)}`,
            );
            const viaGist = await ids(
              tx,
              sql`SELECT id FROM segments WHERE issuance_id = ${issuanceId} AND serials && int8range(${s}, ${e}, '[]')`,
            );
            expect(viaBtree).toEqual(viaGist);
          }
        });
      }),
      { numRuns: 40 },
    );
  });

  it("finds exactly the issuances of a registry that overlap a range, gaps included", async () => {
    const db = t.database.db;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 10 }),
        fc.array(query(700), { minLength: 1, maxLength: 8 }),
        async (slots, queries) => {
          // Issuances of ten units at chosen slots of registry ZZ: neighbours, gaps and a long tail.
          await rolledBack(db, async (tx) => {
            await tx.execute(sql`
                INSERT INTO issuances (project_ref, registry, vintage, monitoring_start, monitoring_end, serials, created_at)
                SELECT ${project}, 'ZZ', 2020, '2020-01-01', '2020-12-31', int8range(k * 10 + 1, k * 10 + 11), now()
                FROM unnest(${arrayParam(slots, "int8")}) AS u(k)`);
            for (const [s, e] of queries) {
              const viaBtree = await ids(
                tx,
                sql`SELECT i.id FROM issuances i
                      WHERE ${overlapsRange("issuances", "i", sql`'ZZ'`, sql`${s}::int8`, sql`${e}::int8`)}`,
              );
              const viaGist = await ids(
                tx,
                sql`SELECT id FROM issuances WHERE registry = 'ZZ' AND serials && int8range(${s}, ${e}, '[]')`,
              );
              expect(viaBtree).toEqual(viaGist);
            }
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("runs prepared statements again and again, inside and outside transactions", async () => {
    const db = t.database.db;
    const count = sql`SELECT count(*)::int AS n FROM organizations WHERE id LIKE 'org_prepared_%'`;
    for (let i = 0; i < 8; i++) expect((await preparedRows(db, count))[0]?.n).toBe(0);
    await rolledBack(db, async (tx) => {
      await writeTogether(tx, [
        sql`INSERT INTO organizations (id, name, role, country, created_at) VALUES ('org_prepared_a', 'A', 'company', 'JP', now())`,
        sql`INSERT INTO organizations (id, name, role, country, created_at) VALUES ('org_prepared_b', 'B', 'company', 'JP', now())`,
      ]);
      expect((await preparedRows(tx, count))[0]?.n).toBe(2);
    });
    expect((await preparedRows(db, count))[0]?.n).toBe(0);
  });

  it("writes statements run together all or not at all", async () => {
    const db = t.database.db;
    await expect(
      writeTogether(db, [
        sql`INSERT INTO organizations (id, name, role, country, created_at) VALUES ('org_together', 'T', 'company', 'JP', now())`,
        sql`INSERT INTO organizations (id, name, role, country, created_at) VALUES ('org_together', 'T', 'company', 'JP', now())`,
      ]),
    ).rejects.toThrow();
    expect(await rows(db, sql`SELECT id FROM organizations WHERE id = 'org_together'`)).toEqual([]);
  });
});
