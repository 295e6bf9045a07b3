import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLedger } from "../../api/ledger/journal/audit.js";
import { aefOf } from "../../api/ledger/read/aef.js";
import { statusOfMany } from "../../api/ledger/read/status.js";
import type { Database } from "../../db/client.js";
import { rows } from "../../db/values.js";
import { seed } from "../../scripts/seed.js";
import { memoryLogger } from "../helpers/app.js";
import { databaseAvailable, freshDatabase } from "../helpers/db.js";

describe.runIf(databaseAvailable())("demo seed from real JCM data", () => {
  let database: Database;
  let result: Awaited<ReturnType<typeof seed>>;
  const log = memoryLogger();
  beforeAll(async () => {
    database = await freshDatabase();
    result = await seed({ db: database.db, clock: () => new Date(), random: (n) => randomBytes(n), log });
  });
  afterAll(() => database.close());

  it("registers the real projects with their titles, host countries and methodologies", async () => {
    expect(result.projects).toBe(57);
    const found = await rows(
      database.db,
      sql`SELECT ref, host_country, methodology, title FROM projects WHERE ref IN ('MN006', 'ID023', 'CR001', 'SA001') ORDER BY ref`,
    );
    expect(found.map((r) => [r.ref, r.host_country])).toEqual([
      ["CR001", "CR"],
      ["ID023", "ID"],
      ["MN006", "MN"],
      ["SA001", "SA"],
    ]);
    expect(found.every((r) => String(r.title).length > 10 && String(r.methodology).length > 3)).toBe(true);
  });

  it("issues into Japan's and the partner's registries, with the real issued amounts", async () => {
    const registries = await rows(database.db, sql`SELECT DISTINCT registry FROM issuances ORDER BY registry`);
    expect(registries.map((r) => r.registry)).toEqual(["JP", "MN"]);
    const mn006 = await rows(
      database.db,
      sql`SELECT (upper(serials) - lower(serials))::int AS q FROM issuances WHERE project_ref = 'MN006' AND registry = 'JP'`,
    );
    expect(mn006.map((r) => r.q)).toEqual([24249]);
  });

  it("leaves a living, consistent ledger: holdings, a compensation and a contribution claim, an NDC use", async () => {
    expect(result.claims).toHaveLength(2);
    const kinds = await rows(database.db, sql`SELECT claim_type FROM claims ORDER BY claim_type`);
    expect(kinds.map((k) => k.claim_type)).toEqual(["compensation", "contribution"]);
    const states = await rows(database.db, sql`SELECT DISTINCT state FROM segments ORDER BY state`);
    expect(states.map((s) => s.state)).toEqual(["cancelled", "claimed", "government_used", "held", "in_registry"]);
    const [status] = await statusOfMany(database.db, log, [{ serials: "JCM-JP-MN006-2020-1-2000", limit: 100 }]);
    expect(status && "parts" in status && status.doubleCounted).toBe(false);
    expect(await auditLedger(database.db)).toEqual([]);
  });

  it("shows an Article 6.2 report for Mongolia and for Japan with every kind of action", async () => {
    const year = new Date().getUTCFullYear();
    const mn = await aefOf(database.db, "MN", year, () => new Date());
    const jp = await aefOf(database.db, "JP", year, () => new Date());
    const kinds = (rows: { actionType: string; actionSubtype: string | null }[]) =>
      [...new Set(rows.map((r) => `${r.actionType}${r.actionSubtype ? `/${r.actionSubtype}` : ""}`))].sort();
    expect(kinds(mn.actions)).toEqual([
      "authorization",
      "cancellation/omge",
      "first_transfer/ndc",
      "first_transfer/oimp",
      "use/oimp",
    ]);
    expect(kinds(jp.actions)).toEqual(["acquisition", "cancellation/voluntary", "use/ndc"]);
    expect(mn.authorizations.map((a) => a.authorizationId)).toEqual([
      "MN-LoA-2026-01 (illustrative)",
      "MN-LoA-2026-02 (illustrative)",
    ]);
    expect(mn.holdings.length).toBeGreaterThan(0);
    expect(jp.holdings.map((h) => h.quantity)).toEqual([250]);
  });
});
