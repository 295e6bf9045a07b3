import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";

/**
 * The statements a claim and a transfer send to PostgreSQL, one round trip each (README, "What a
 * claim sends"). The embedded database has no round trips to count.
 */
const STEPS: [string, RegExp][] = [
  ["key", /FROM api_keys k JOIN organizations/],
  ["begin", /^begin$/i],
  ["placement and locks", /^WITH h AS \(.*FOR NO KEY UPDATE/s],
  ["segments and journal head", /^SELECT \(SELECT coalesce\(json_agg.*FROM segments.*nextval/s],
  ["one write", /^WITH segments_gone AS \(DELETE FROM segments.*INSERT INTO segments.*INSERT INTO journal/s],
  ["commit", /^commit$/i],
];

function stepOf(text: string): string {
  return STEPS.find(([, pattern]) => pattern.test(text.trim()))?.[0] ?? text.slice(0, 80);
}

/** The text of every statement sent while `work` runs. */
async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(pg.Client.prototype, "query");
  try {
    await work();
    return spy.mock.calls.map(([q]) => (typeof q === "string" ? q : String((q as { text?: string }).text ?? "")));
  } finally {
    spy.mockRestore();
  }
}

describe.runIf(databaseAvailable() && dbKind === "postgres")("round trips of a claim and a transfer", () => {
  let t: TestContext;
  let iss: Issued;
  let holder: Org;
  let other: Org;
  beforeAll(async () => {
    t = await testContext();
    iss = await t.issue({ hostCountry: "MN", start: 1, end: 1000 });
    holder = await t.org("company", "JP");
    other = await t.org("company", "JP");
    const d = await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 1000)], organizationId: holder.id, registryReference: "RT-1" },
    });
    expect(d.status).toBe(201);
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("a claim sends six statements: key, begin, placement with the locks, one read, one write, commit", async () => {
    const sent = await statementsOf(async () => {
      const r = await t.call("POST", "/v1/claims", {
        key: holder.key,
        body: {
          serials: [iss.serials(101, 110)],
          beneficiary: { name: "Kanto Rail Co.", country: "JP" },
          claimType: "contribution",
          purpose: "Round trips",
          period: { start: "2025-01-01", end: "2025-12-31" },
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    });
    expect(sent.map(stepOf)).toEqual(STEPS.map(([step]) => step));
  });

  it("a transfer sends the same six", async () => {
    const sent = await statementsOf(async () => {
      const r = await t.call("POST", "/v1/transfers", {
        key: holder.key,
        body: { serials: [iss.serials(201, 250)], toOrganizationId: other.id },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    });
    // The recipient is checked before the transaction: a transfer to no company is refused without one.
    expect(sent.map(stepOf)).toEqual([
      "key",
      "SELECT role FROM organizations WHERE id = $1",
      ...STEPS.slice(1).map(([step]) => step),
    ]);
  });
});
