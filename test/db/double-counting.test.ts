import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgError } from "../../api/ledger/store/pg-errors.js";
import { rows } from "../../db/values.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

const claim = (serials: string[]) => ({
  serials,
  beneficiary: { name: "Beneficiary", country: "JP" },
  claimType: "contribution",
  purpose: "Voluntary offset",
  period: { start: "2025-01-01", end: "2025-12-31" },
});

async function violation(run: () => Promise<unknown>): Promise<{ code?: string; constraint?: string } | undefined> {
  try {
    await run();
  } catch (error) {
    return pgError(error);
  }
  return undefined;
}

describe.runIf(databaseAvailable())("no tonne is counted twice", () => {
  let t: TestContext;
  let iss: Issued;
  let company: Org;
  let japan: Org;
  let mongolia: Org;
  let indonesia: Org;
  let claimId: string;
  beforeAll(async () => {
    t = await testContext();
    iss = await t.issue({ project: "MN004", hostCountry: "MN", start: 1, end: 1000 });
    company = await t.org("company", "JP");
    japan = await t.org("government", "JP");
    mongolia = await t.org("government", "MN");
    indonesia = await t.org("government", "ID");
    await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 100)], organizationId: company.id, registryReference: "r" },
    });
    const c = await t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(1, 10)]) });
    expect(c.status).toBe(201);
    claimId = c.body.id;
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("refuses a re-claim of claimed units, naming exactly the claimed ones", async () => {
    const r = await t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(5, 15)]) });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("serials_already_claimed");
    expect(r.body.conflicts).toEqual([
      expect.objectContaining({ serials: iss.serials(5, 10), state: "claimed", claimId }),
    ]);
    const status = await t.call("GET", `/v1/status/${iss.serials(11, 15)}`);
    expect(status.body.parts[0].state).toBe("held");
  });

  it("refuses government NDC use of units in voluntary use (claimed or held in the bridge)", async () => {
    const r = await t.call("POST", "/v1/government-reports", {
      key: japan.key,
      body: { kind: "ndc_use", year: 2024, serials: [iss.serials(8, 12)], reference: "JP-NDC-2024" },
    });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("serials_in_voluntary_use");
    expect(r.body.conflicts).toEqual([
      expect.objectContaining({ serials: iss.serials(8, 10), state: "claimed", claimId }),
      expect.objectContaining({ serials: iss.serials(11, 12), state: "held", holder: company.id }),
    ]);
  });

  it("refuses a claim and a deposit of units a government counted toward its NDC", async () => {
    const used = await t.call("POST", "/v1/government-reports", {
      key: japan.key,
      body: { kind: "ndc_use", year: 2024, serials: [iss.serials(500, 599)], reference: "JP-NDC-2024" },
    });
    expect(used.status).toBe(201);
    expect(used.body).toMatchObject({ party: "JP", kind: "ndc_use", quantity: 100 });
    const reportId = used.body.id;
    const deposit = await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(590, 610)], organizationId: company.id, registryReference: "r" },
    });
    expect(deposit.status).toBe(409);
    expect(deposit.body.code).toBe("serials_government_used");
    expect(deposit.body.conflicts).toEqual([
      expect.objectContaining({ serials: iss.serials(590, 599), state: "government_used", reportId }),
    ]);
    const twice = await t.call("POST", "/v1/government-reports", {
      key: mongolia.key,
      body: { kind: "ndc_use", year: 2024, serials: [iss.serials(599, 600)], reference: "MN-NDC-2024" },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("serials_government_used");
    expect(twice.body.conflicts).toEqual([expect.objectContaining({ serials: iss.serials(599), reportId })]);
  });

  it("lets only the project's parties report: Japan or the host may authorize, only the host adjusts", async () => {
    const body = (kind: string) => ({ kind, year: 2025, serials: [iss.serials(700, 710)], reference: "ref" });
    expect(
      (await t.call("POST", "/v1/government-reports", { key: indonesia.key, body: body("authorization") })).status,
    ).toBe(403);
    expect((await t.call("POST", "/v1/government-reports", { key: indonesia.key, body: body("ndc_use") })).status).toBe(
      403,
    );
    const jpCa = await t.call("POST", "/v1/government-reports", {
      key: japan.key,
      body: body("corresponding_adjustment"),
    });
    expect(jpCa.status).toBe(403);
    expect(jpCa.body.detail).toContain("host country");
    expect(
      (await t.call("POST", "/v1/government-reports", { key: japan.key, body: body("authorization") })).status,
    ).toBe(201);
    expect(
      (await t.call("POST", "/v1/government-reports", { key: mongolia.key, body: body("corresponding_adjustment") }))
        .status,
    ).toBe(201);
    const status = await t.call("GET", `/v1/status/${iss.serials(700, 710)}`);
    expect(status.body.parts).toEqual([
      expect.objectContaining({ state: "in_registry", authorized: true, correspondingAdjustment: true, quantity: 11 }),
    ]);
  });

  it("refuses the host's NDC use of units it correspondingly adjusted, but lets Japan count them", async () => {
    const body = { year: 2025, serials: [iss.serials(800, 809)], reference: "r" };
    expect(
      (await t.call("POST", "/v1/government-reports", { key: mongolia.key, body: { ...body, kind: "authorization" } }))
        .status,
    ).toBe(201);
    expect(
      (
        await t.call("POST", "/v1/government-reports", {
          key: mongolia.key,
          body: { ...body, kind: "corresponding_adjustment" },
        })
      ).status,
    ).toBe(201);
    const host = await t.call("POST", "/v1/government-reports", {
      key: mongolia.key,
      body: { ...body, kind: "ndc_use" },
    });
    expect(host.status).toBe(409);
    expect(host.body.code).toBe("serials_correspondingly_adjusted");
    expect(host.body.conflicts).toEqual([
      expect.objectContaining({ serials: iss.serials(800, 809), correspondingAdjustment: true }),
    ]);
    const acquirer = await t.call("POST", "/v1/government-reports", {
      key: japan.key,
      body: { ...body, kind: "ndc_use" },
    });
    expect(acquirer.status).toBe(201);
  });

  it("refuses the host's corresponding adjustment of units it counts itself, but not of units Japan counts", async () => {
    const body = { year: 2025, reference: "r" };
    const own = { ...body, serials: [iss.serials(820, 829)] };
    expect(
      (await t.call("POST", "/v1/government-reports", { key: mongolia.key, body: { ...own, kind: "ndc_use" } })).status,
    ).toBe(201);
    const adjusted = await t.call("POST", "/v1/government-reports", {
      key: mongolia.key,
      body: { ...own, kind: "corresponding_adjustment" },
    });
    expect(adjusted.status).toBe(409);
    expect(adjusted.body.code).toBe("serials_counted_by_host");
    expect(adjusted.body.conflicts).toEqual([
      expect.objectContaining({ serials: iss.serials(820, 829), state: "government_used" }),
    ]);
    const japans = { ...body, serials: [iss.serials(830, 839)] };
    expect(
      (await t.call("POST", "/v1/government-reports", { key: japan.key, body: { ...japans, kind: "ndc_use" } })).status,
    ).toBe(201);
    const forJapan = await t.call("POST", "/v1/government-reports", {
      key: mongolia.key,
      body: { ...japans, kind: "corresponding_adjustment" },
    });
    expect(forJapan.status).toBe(201);
  });

  it("refuses compensation on units authorized but not adjusted, and on units adjusted but not authorized", async () => {
    const units = await t.issue({ hostCountry: "MN", start: 5001, end: 5100 });
    const holder = await t.org("company", "JP");
    await t.call("POST", "/v1/deposits", {
      key: units.registry.key,
      body: { serials: [units.serials(5001, 5030)], organizationId: holder.id, registryReference: "r" },
    });
    const report = (kind: string, serials: string) =>
      t.call("POST", "/v1/government-reports", {
        key: mongolia.key,
        body: { kind, year: 2025, serials: [serials], reference: `policy-${kind}` },
      });
    expect((await report("authorization", units.serials(5001, 5010))).status).toBe(201);
    expect((await report("corresponding_adjustment", units.serials(5011, 5020))).status).toBe(201);
    expect((await report("authorization", units.serials(5021, 5030))).status).toBe(201);
    expect((await report("corresponding_adjustment", units.serials(5021, 5030))).status).toBe(201);
    const compensate = (serials: string) =>
      t.call("POST", "/v1/claims", {
        key: holder.key,
        body: { ...claim([serials]), claimType: "compensation", reportingYear: 2025 },
      });
    for (const [serials, authorized, adjusted] of [
      [units.serials(5001, 5010), true, false],
      [units.serials(5011, 5020), false, true],
    ] as const) {
      const refused = await compensate(serials);
      expect(refused.status, serials).toBe(409);
      expect(refused.body.code).toBe("compensation_requires_corresponding_adjustment");
      expect(refused.body.conflicts).toEqual([
        expect.objectContaining({ serials, authorized, correspondingAdjustment: adjusted }),
      ]);
    }
    expect((await compensate(units.serials(5021, 5030))).status).toBe(201);
  });

  it("refuses a government without a country", async () => {
    const stateless = await t.org("government", null);
    const r = await t.call("POST", "/v1/government-reports", {
      key: stateless.key,
      body: { kind: "authorization", year: 2025, serials: [iss.serials(1)], reference: "x" },
    });
    expect(r.status).toBe(403);
  });

  it("a failed request leaves nothing behind: no segment, journal entry or claim", async () => {
    const count = async () =>
      (
        await rows(
          t.database.db,
          sql`SELECT (SELECT count(*) FROM segments) + (SELECT count(*) FROM journal) + (SELECT count(*) FROM claims) AS n`,
        )
      )[0]?.n;
    const before = await count();
    const r = await t.call("POST", "/v1/claims", {
      key: company.key,
      body: claim([iss.serials(50, 60), iss.serials(5)]),
    });
    expect(r.status).toBe(409);
    expect(await count()).toEqual(before);
  });

  describe("the database itself refuses overlaps that bypass the domain code", () => {
    it("issuances of one registry (issuances_no_overlap)", async () => {
      const e = await violation(() =>
        t.database.db.execute(sql`INSERT INTO issuances (project_ref, registry, vintage, monitoring_start, monitoring_end, serials, created_at)
          VALUES (${iss.project}, 'JP', 2020, '2020-01-01', '2020-12-31', int8range(900, 1200, '[]'), now())`),
      );
      expect(e).toMatchObject({ code: "23P01", constraint: "issuances_no_overlap" });
    });

    it("segments of one issuance (segments_no_overlap)", async () => {
      const id = iss.id;
      const e = await violation(() =>
        t.database.db.execute(sql`INSERT INTO segments (issuance_id, serials, state, corresponding_adjustment)
          VALUES (${id}, int8range(5, 6, '[]'), 'in_registry', false)`),
      );
      expect(e).toMatchObject({ code: "23P01", constraint: "segments_no_overlap" });
    });

    it("terminal uses (use_ranges_no_overlap): a second claim on claimed units", async () => {
      const id = iss.id;
      const e = await violation(() =>
        t.database.db.execute(
          sql`INSERT INTO use_ranges (issuance_id, serials, claim_id) VALUES (${id}, int8range(10, 11, '[]'), 'clm_forged')`,
        ),
      );
      expect(e).toMatchObject({ code: "23P01", constraint: "use_ranges_no_overlap" });
    });

    it("units outside their issuance, and segments whose state lacks its owner", async () => {
      const id = iss.id;
      const outside = await violation(() =>
        t.database.db.execute(
          sql`INSERT INTO use_ranges (issuance_id, serials, claim_id) VALUES (${id}, int8range(5000, 5001, '[]'), 'clm_x')`,
        ),
      );
      expect(outside?.code).toBe("23514");
      const ownerless = await violation(() =>
        t.database.db.execute(
          sql`UPDATE segments SET state = 'held' WHERE issuance_id = ${id} AND state = 'in_registry'`,
        ),
      );
      expect(ownerless).toMatchObject({ code: "23514", constraint: "segments_state_refs" });
    });

    it("history is append-only: claims, journal and issuances cannot be rewritten", async () => {
      for (const statement of [
        sql`UPDATE claims SET quantity = 1`,
        sql`DELETE FROM journal`,
        sql`DELETE FROM use_ranges`,
        sql`UPDATE issuances SET vintage = 1999`,
      ]) {
        expect((await violation(() => t.database.db.execute(statement)))?.code).toBe("23001");
      }
    });
  });
});
