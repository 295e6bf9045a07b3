import { parse } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../../db/values.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

/**
 * What a claim states for assurers (reason, framework, reporting year, scopes, beneficiary), the
 * rules between those statements, the register's filters and search, and batches of claims.
 * Every test issues and deposits its own units and names its own beneficiaries.
 */
describe.runIf(databaseAvailable())("claims as assurers read them, and batches of them", () => {
  let t: TestContext;
  let mongolia: Org;
  let company: Org;
  beforeAll(async () => {
    t = await testContext();
    mongolia = await t.org("government", "MN");
    company = await t.org("company", "JP", "Claimant K.K.");
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  let next = 0;
  /** A word no other test uses, so searches and filters see this test's claims alone. */
  const unique = (word: string) => `${word}${++next}x${Math.random().toString(36).slice(2, 8)}`;

  /** Units 1..100 of a fresh issuance hosted by Mongolia, deposited with `company`. */
  const held = (): Promise<Issued> => t.held(company);

  /** Authorizes units for OIMP (first transfer at use) and adjusts them: what compensation needs. */
  async function compensable(iss: Issued, from: number, to: number, oimpPurposes: string[]): Promise<void> {
    const a = await t.call("POST", "/v1/authorizations", {
      key: mongolia.key,
      body: {
        reference: unique("LoA"),
        date: "2025-06-01",
        purposes: ["oimp"],
        firstTransfer: "use_or_cancellation",
        ...(oimpPurposes.length > 0 ? { oimpPurposes } : {}),
        serials: [iss.serials(from, to)],
      },
    });
    expect(a.status).toBe(201);
    const r = await t.call("POST", "/v1/government-reports", {
      key: mongolia.key,
      body: { kind: "corresponding_adjustment", year: 2025, reference: unique("CA"), serials: [iss.serials(from, to)] },
    });
    expect(r.status).toBe(201);
  }

  const base = (serials: string[], over: Record<string, unknown> = {}) => ({
    serials,
    beneficiary: { name: "Beneficiary Co.", country: "JP" },
    claimType: "contribution",
    purpose: "Contribution",
    period: { start: "2025-01-01", end: "2025-12-31" },
    ...over,
  });
  const claim = (body: unknown) => t.call("POST", "/v1/claims", { key: company.key, body });

  it("records every statement an assurer asks for, in the answer, the certificate and the journal", async () => {
    const iss = await held();
    await compensable(iss, 1, 10, []);
    const name = unique("Sakura Foods");
    const r = await claim(
      base([iss.serials(1, 10)], {
        beneficiary: { name, country: "JP", legalId: "JP-CN:1234567890123", kind: "organization" },
        claimType: "compensation",
        reason: "corporate_inventory",
        framework: { kind: "vcmi", tier: "gold" },
        reportingYear: 2025,
        scopes: [3, 1],
        notes: "FY2025 Scope 1 and 3",
      }),
    );
    expect(r.status).toBe(201);
    const stated = {
      beneficiary: { name, country: "JP", legalId: "JP-CN:1234567890123", kind: "organization" },
      reason: "corporate_inventory",
      framework: { kind: "vcmi", tier: "gold" },
      reportingYear: 2025,
      scopes: [1, 3],
      notes: "FY2025 Scope 1 and 3",
      projectRefs: [iss.project],
    };
    expect(r.body).toMatchObject(stated);
    const got = await t.call("GET", `/v1/claims/${r.body.id}`);
    expect(got.body).toMatchObject(stated);
    expect(got.body.certificate.entry.details).toMatchObject({
      beneficiary: stated.beneficiary,
      reason: "corporate_inventory",
      framework: { kind: "vcmi", tier: "gold" },
      reportingYear: 2025,
      scopes: [1, 3],
    });
  });

  it("names each host country and project of a claim once, in order, whatever order its units came in", async () => {
    // Countries no other test here uses, so the register's filters elsewhere never see this claim.
    const suffix = String(100 + (next++ % 800)).padStart(3, "0");
    const later = await t.held(company, { hostCountry: "VN", project: `VN${suffix}` });
    const earlier = await t.held(company, { hostCountry: "KH", project: `KH${suffix}` });
    const more = await t.held(company, { hostCountry: "VN", project: `VN${suffix}` });
    const r = await claim(base([later.serials(1, 5), earlier.serials(1, 5), more.serials(1, 5)]));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const expected = { hostCountries: ["KH", "VN"], projectRefs: [`KH${suffix}`, `VN${suffix}`] };
    expect(r.body).toMatchObject(expected);
    expect((await t.call("GET", `/v1/claims/${r.body.id}`)).body).toMatchObject(expected);
  });

  it("says which dates of a period are the wrong way round", async () => {
    const iss = await held();
    const r = await claim(base([iss.serials(1, 5)], { period: { start: "2025-12-31", end: "2025-01-01" } }));
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { path: "period", message: "period starts (2025-12-31) after it ends (2025-01-01)" },
    ]);
  });

  it("keeps claims that state nothing new valid, with every new field null", async () => {
    const iss = await held();
    const r = await claim(base([iss.serials(1, 5)]));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      beneficiary: { name: "Beneficiary Co.", country: "JP", legalId: null, kind: "organization" },
      reason: null,
      framework: null,
      reportingYear: null,
      scopes: null,
      notes: null,
    });
  });

  it.each([
    ["a VCMI claim without its tier", { framework: { kind: "vcmi" } }, "framework.tier"],
    ["a tier on another framework", { framework: { kind: "sbti_bvcm", tier: "gold" } }, "framework.tier"],
    [
      "a CORSIA claim without its operator",
      { claimType: "compensation", reportingYear: 2025, framework: { kind: "corsia" } },
      "framework.operator",
    ],
    ["an operator on another framework", { framework: { kind: "gx_ets", operator: "X Air" } }, "framework.operator"],
    ["a CORSIA contribution", { framework: { kind: "corsia", operator: "X Air" } }, "claimType"],
    ["a compensation without its reporting year", { claimType: "compensation" }, "reportingYear"],
    ["a scope named twice", { scopes: [1, 1] }, "scopes"],
    ["a scope 4", { scopes: [4] }, "scopes.0"],
    ["an unknown reason", { reason: "offset" }, "reason"],
    ["an unknown beneficiary kind", { beneficiary: { name: "X", country: "JP", kind: "company" } }, "beneficiary.kind"],
  ])("refuses %s with a 400 naming the field, writing nothing", async (_, over, path) => {
    const iss = await held();
    const r = await claim(base([iss.serials(1, 5)], over));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("invalid_request");
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    const status = await t.call("GET", `/v1/status/${iss.serials(1, 5)}`);
    expect(status.body.parts).toMatchObject([{ state: "held" }]);
  });

  it("takes CORSIA claims only of units whose authorization allows CORSIA, with a corresponding adjustment", async () => {
    const iss = await held();
    await compensable(iss, 1, 10, ["voluntary"]);
    await compensable(iss, 11, 20, ["corsia"]);
    await compensable(iss, 21, 30, []);
    const corsia = (serials: string) =>
      claim(
        base([serials], {
          claimType: "compensation",
          reportingYear: 2025,
          reason: "compliance",
          framework: { kind: "corsia", operator: "Japan Airlines" },
        }),
      );
    const voluntaryOnly = await corsia(iss.serials(1, 10));
    expect(voluntaryOnly.status).toBe(409);
    expect(voluntaryOnly.body.code).toBe("corsia_not_authorized");
    expect(voluntaryOnly.body.conflicts).toMatchObject([
      { serials: iss.serials(1, 10), reason: "corsia_not_authorized" },
    ]);
    const notAdjusted = await corsia(iss.serials(31, 40));
    expect(notAdjusted.body.code).toBe("compensation_requires_corresponding_adjustment");
    // A voluntary compensation of the same units is fine: only CORSIA needs CORSIA in the authorization.
    expect((await claim(base([iss.serials(1, 5)], { claimType: "compensation", reportingYear: 2025 }))).status).toBe(
      201,
    );
    const named = await corsia(iss.serials(11, 20));
    expect(named.status).toBe(201);
    expect(named.body.framework).toEqual({ kind: "corsia", operator: "Japan Airlines" });
    expect((await corsia(iss.serials(21, 30))).status).toBe(201);
  });

  it("suggests a contribution claim when compensation is refused for want of a corresponding adjustment", async () => {
    const iss = await held();
    const r = await claim(base([iss.serials(1, 5)], { claimType: "compensation", reportingYear: 2025 }));
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("compensation_requires_corresponding_adjustment");
    expect(r.body.detail).toContain('claimType "contribution"');
  });

  it("finds an organization by any case and width of its name, and keeps a person's name out of lists and exports", async () => {
    const iss = await held();
    const word = unique("sakura");
    const latin = await claim(
      base([iss.serials(1, 5)], { beneficiary: { name: `${word} Foods Co., Ltd.`, country: "JP" } }),
    );
    const wide = word.toUpperCase().replace(/[A-Z0-9]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    const fullwidth = await claim(
      base([iss.serials(6, 10)], { beneficiary: { name: `${wide}　ホールディングス`, country: "JP" } }),
    );
    const person = await claim(
      base([iss.serials(11, 15)], { beneficiary: { name: `${word} Taro`, country: "JP", kind: "person" } }),
    );
    expect([latin.status, fullwidth.status, person.status]).toEqual([201, 201, 201]);

    const found = await t.call("GET", `/v1/claims?beneficiary=${encodeURIComponent(word.toUpperCase())}`);
    expect(found.body.data.map((c: { id: string }) => c.id).sort()).toEqual([latin.body.id, fullwidth.body.id].sort());
    // The person is claimed in public, on their own certificate, but neither found by name nor listed with it.
    expect((await t.call("GET", `/v1/claims/${person.body.id}`)).body.beneficiary.name).toBe(`${word} Taro`);
    const listed = await t.call("GET", `/v1/claims?projectRef=${iss.project}`);
    const personListed = listed.body.data.find((c: { id: string }) => c.id === person.body.id);
    expect(personListed.beneficiary).toEqual({ name: null, country: "JP", legalId: null, kind: "person" });
    const csv = await (await t.app.request(`/v1/exports/claims.csv?projectRef=${iss.project}`)).text();
    expect(csv).not.toContain("Taro");
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(records.find((r) => r.claim_id === person.body.id)).toMatchObject({
      beneficiary_name: "",
      beneficiary_kind: "person",
    });
  });

  it("treats the search text as text: % and _ match themselves only", async () => {
    const iss = await held();
    const word = unique("pct");
    const r = await claim(base([iss.serials(1, 5)], { beneficiary: { name: `${word} 100% Green`, country: "JP" } }));
    expect(r.status).toBe(201);
    const hit = await t.call("GET", `/v1/claims?beneficiary=${encodeURIComponent(`${word} 100%`)}`);
    expect(hit.body.data.map((c: { id: string }) => c.id)).toEqual([r.body.id]);
    const wildcard = await t.call("GET", `/v1/claims?beneficiary=${encodeURIComponent(`${word}_100`)}`);
    expect(wildcard.body.data).toEqual([]);
  });

  it("filters the register and its CSV by project, reason, framework and claim type, the export keeping every filter", async () => {
    const iss = await held();
    await compensable(iss, 1, 10, []);
    const word = unique("filter");
    const make = (serials: string, over: Record<string, unknown>) =>
      claim(base([serials], { beneficiary: { name: `${word} Corp`, country: "JP" }, ...over }));
    const inventory = await make(iss.serials(1, 10), {
      claimType: "compensation",
      reportingYear: 2025,
      reason: "corporate_inventory",
      framework: { kind: "shk" },
    });
    const benefit = await make(iss.serials(11, 20), { reason: "environmental_benefit", framework: { kind: "none" } });
    const plain = await make(iss.serials(21, 30), {});
    expect([inventory.status, benefit.status, plain.status]).toEqual([201, 201, 201]);
    const ids = async (query: string) =>
      (await t.call("GET", `/v1/claims?beneficiary=${word}&${query}`)).body.data.map((c: { id: string }) => c.id);
    expect(await ids(`projectRef=${iss.project}`)).toEqual([plain.body.id, benefit.body.id, inventory.body.id]);
    expect(await ids("reason=corporate_inventory")).toEqual([inventory.body.id]);
    expect(await ids("framework=none")).toEqual([benefit.body.id]);
    expect(await ids("claimType=contribution")).toEqual([plain.body.id, benefit.body.id]);
    expect(await ids("projectRef=XX999")).toEqual([]);
    expect((await t.call("GET", "/v1/claims?framework=iso14064")).status).toBe(400);

    const csv = await (
      await t.app.request(`/v1/exports/claims.csv?beneficiary=${word}&reason=corporate_inventory`)
    ).text();
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      claim_id: inventory.body.id,
      reason: "corporate_inventory",
      framework: "shk",
      reporting_year: "2025",
      beneficiary_kind: "organization",
    });
  });

  describe("POST /v1/claims/batch", () => {
    const batch = (claims: unknown[], headers: Record<string, string> = {}) =>
      t.call("POST", "/v1/claims/batch", { key: company.key, body: { claims }, headers });

    async function claimCount(): Promise<number> {
      const [row] = await rows(t.deps.db, sql`SELECT count(*)::int AS n FROM claims WHERE claimant_id = ${company.id}`);
      return Number(row?.n);
    }

    it("makes every claim of the batch, each for its own beneficiary, allocations drawn one after another", async () => {
      const iss = await held();
      const r = await batch([
        base([iss.serials(1, 10)], { beneficiary: { name: "First Co.", country: "JP" } }),
        { ...base([]), serials: undefined, allocate: { issuanceId: iss.issuanceId, quantity: 5 } },
        { ...base([]), serials: undefined, allocate: { issuanceId: iss.issuanceId, quantity: 5 }, reason: "other" },
      ]);
      expect(r.status).toBe(201);
      expect(r.body.data.map((c: { serials: string[] }) => c.serials)).toEqual([
        [iss.serials(1, 10)],
        [iss.serials(11, 15)],
        [iss.serials(16, 20)],
      ]);
      expect(r.body.data[0].beneficiary.name).toBe("First Co.");
      expect(r.body.data[2].reason).toBe("other");
      for (const c of r.body.data) expect((await t.call("GET", `/v1/claims/${c.id}`)).status).toBe(200);
    });

    it("writes nothing when one item is refused, naming its index and units", async () => {
      const iss = await held();
      const before = await claimCount();
      const r = await batch([base([iss.serials(1, 10)]), base([iss.serials(11, 20)]), base([iss.serials(5, 12)])]);
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: "serials_already_claimed", index: 2 });
      // Units 5-10 went to the first item and 11-12 to the second, in this very transaction.
      expect(r.body.conflicts.map((c: { serials: string }) => c.serials)).toEqual([
        iss.serials(5, 10),
        iss.serials(11, 12),
      ]);
      expect(await claimCount()).toBe(before);
      const status = await t.call("GET", `/v1/status/${iss.serials(1, 20)}`);
      expect(status.body.parts).toMatchObject([{ state: "held", serials: iss.serials(1, 20) }]);
    });

    it("refuses an item whose statements break a rule before touching any unit", async () => {
      const iss = await held();
      const before = await claimCount();
      const r = await batch([base([iss.serials(1, 10)]), base([iss.serials(11, 20)], { claimType: "compensation" })]);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: "invalid_request", index: 1, errors: [{ path: "reportingYear" }] });
      expect(await claimCount()).toBe(before);
    });

    it("answers an idempotent replay with the same batch, claiming nothing twice", async () => {
      const iss = await held();
      const key = { "idempotency-key": unique("batch") };
      const first = await batch([base([iss.serials(1, 10)]), base([iss.serials(11, 20)])], key);
      expect(first.status).toBe(201);
      const count = await claimCount();
      const again = await batch([base([iss.serials(1, 10)]), base([iss.serials(11, 20)])], key);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await claimCount()).toBe(count);
    });

    it("takes 1 to 1,000 claims", async () => {
      expect((await batch([])).status).toBe(400);
      const iss = await held();
      const tooMany = Array.from({ length: 1001 }, () => base([iss.serials(1, 1)]));
      expect((await batch(tooMany)).status).toBe(400);
    });
  });
});
