import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../../db/values.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

const DEEP = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
const DEEP_OBJECT = `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`;

const JUNK: unknown[] = [
  null,
  [],
  "string",
  42,
  { serials: "JCM-JP-MN006-2020-1" },
  { serials: [null] },
  { serials: ["JCM-JP-MN006-2020-1\u0000"] },
  { name: "a\u0000b", role: "company" },
  { ref: "MN001", title: "x\u0000", hostCountry: "MN", methodology: "m" },
  { serials: ["JCM-JP-MN006-2020-1"], organizationId: "org_\u0000", registryReference: "r" },
  { serials: ["JCM-JP-MN006-2020-1"], toOrganizationId: "\ud800" },
  { allocate: { issuanceId: "iss_99999999999999999", quantity: 1e308 }, toOrganizationId: "x" },
  { __proto__: { admin: true }, constructor: { prototype: {} } },
  {
    projectRef: "MN006",
    registry: "JP",
    vintage: 2020,
    monitoringPeriod: { start: "2020-02-30", end: "2020-01-01" },
    serialStart: "1e3",
    serialEnd: -1,
  },
];

describe.runIf(databaseAvailable())("hostile input never gets a 5xx and never changes the ledger", () => {
  let t: TestContext;
  let iss: Issued;
  let keys: Record<string, Org>;
  beforeAll(async () => {
    t = await testContext();
    iss = await t.issue({ project: "MN006", start: 1, end: 100 });
    keys = {
      registry: iss.registry,
      company: await t.org("company", "JP"),
      government: await t.org("government", "MN"),
      admin: t.admin,
    };
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  const snapshot = async () =>
    rows(
      t.database.db,
      sql`SELECT (SELECT count(*) FROM journal) AS j, (SELECT string_agg(serials::text || state, ',' ORDER BY serials) FROM segments) AS s`,
    );

  it("survives junk bodies on every POST endpoint", async () => {
    const before = await snapshot();
    const posts: [string, string][] = [
      ["/v1/organizations", "admin"],
      ["/v1/projects", "registry"],
      ["/v1/issuances", "registry"],
      ["/v1/issuances/import", "registry"],
      ["/v1/deposits", "registry"],
      ["/v1/withdrawals", "registry"],
      ["/v1/transfers", "company"],
      ["/v1/claims", "company"],
      ["/v1/government-reports", "government"],
      ["/v1/status", "company"],
    ];
    for (const [path, role] of posts) {
      for (const body of JUNK) {
        const r = await t.call("POST", path, { key: keys[role]?.key, body: JSON.stringify(body) });
        expect(r.status, `${path} ${JSON.stringify(body)?.slice(0, 80)}: ${JSON.stringify(r.body)}`).toBeLessThan(500);
      }
      for (const raw of [DEEP, DEEP_OBJECT]) {
        const r = await t.call("POST", path, {
          key: keys[role]?.key,
          body: raw,
          headers: { "idempotency-key": `deep-${path}-${raw.length}` },
        });
        expect(r.status, `${path} deep: ${JSON.stringify(r.body)}`).toBe(400);
      }
      const broken = await t.call("POST", path, { key: keys[role]?.key, body: '{"a": "\\ud800", "b": \u0000}' });
      expect(broken.status).toBe(400);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("survives junk in paths and queries", async () => {
    const paths = [
      "/v1/status/%E0%A4%A",
      "/v1/status/JCM-JP-MN006-2020-1%00",
      "/v1/status/%00",
      `/v1/status/${"9".repeat(500)}`,
      "/v1/provenance/JCM-JP-MN006-2020-1?cursor=abc",
      "/v1/provenance/JCM-JP-MN006-2020-1?limit=99999999999999999999",
      "/v1/claims/clm_%00",
      "/v1/claims?claimant=%00&hostCountry=%F0%9F%92%A9",
      "/v1/claims?cursor=%00",
      "/v1/claims?year=1e9",
      "/v1/issuances/iss_%00",
      "/v1/issuances/iss_1?cursor=-1",
      "/v1/projects/%00",
      "/v1/projects?cursor=%00",
      "/v1/holdings?cursor=%00:%00",
      "/v1/organizations/%00",
    ];
    for (const path of paths) {
      const r = await t.call("GET", path, { key: keys.company?.key });
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBeLessThan(500);
    }
    const del = await t.call("DELETE", "/v1/keys/%00", { key: keys.company?.key });
    expect(del.status).toBeLessThan(500);
  });

  it("refuses text the database cannot store in any field, with or without an Idempotency-Key", async () => {
    const before = await snapshot();
    const lone = "Kanto \ud800 Rail";
    const held = iss.serials(1, 1);
    const claim = { serials: [held], claimType: "contribution", period: { start: "2025-01-01", end: "2025-12-31" } };
    const cases: [string, string, object, string][] = [
      [
        "/v1/claims",
        "company",
        { ...claim, beneficiary: { name: lone, country: "JP" }, purpose: "p" },
        "beneficiary.name",
      ],
      [
        "/v1/claims",
        "company",
        { ...claim, beneficiary: { name: "B", country: "JP" }, purpose: `\udfff${lone}` },
        "purpose",
      ],
      [
        "/v1/deposits",
        "registry",
        { serials: [held], organizationId: keys.company?.id, registryReference: lone },
        "registryReference",
      ],
      [
        "/v1/government-reports",
        "government",
        { kind: "authorization", year: 2025, serials: [held], reference: lone },
        "reference",
      ],
      [`/v1/organizations/${keys.company?.id}/keys`, "admin", { label: lone }, "label"],
      ["/v1/organizations", "admin", { name: lone, role: "company" }, "name"],
      [
        "/v1/deposits",
        "registry",
        { serials: [held], organizationId: "org_\u0000", registryReference: "r" },
        "organizationId",
      ],
      ["/v1/transfers", "company", { serials: [held], toOrganizationId: "\u0000" }, "toOrganizationId"],
      ["/v1/withdrawals", "company", { serials: [held], registryReference: "r", [lone]: 1 }, "(key)"],
    ];
    let n = 0;
    for (const [path, role, body, field] of cases) {
      for (const headers of [{}, { "idempotency-key": `text-${n++}` }] as Record<string, string>[]) {
        const r = await t.call("POST", path, { key: keys[role]?.key, body, headers });
        expect(r.status, `${path} ${field} ${JSON.stringify(headers)}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("refuses the year 0000 in every date field", async () => {
    const before = await snapshot();
    const zero = "0000-01-01";
    const cases: [string, string, object, string][] = [
      [
        "/v1/claims",
        "company",
        {
          serials: [iss.serials(2)],
          claimType: "contribution",
          beneficiary: { name: "B", country: "JP" },
          purpose: "p",
          period: { start: zero, end: "2025-12-31" },
        },
        "period.start",
      ],
      [
        "/v1/issuances",
        "registry",
        {
          projectRef: "MN006",
          registry: "JP",
          vintage: 2020,
          monitoringPeriod: { start: zero, end: zero },
          serialStart: 5000,
          serialEnd: 5001,
        },
        "monitoringPeriod.start",
      ],
      [
        "/v1/projects",
        "registry",
        { ref: "MN777", title: "t", hostCountry: "MN", methodology: "m", registeredOn: zero },
        "registeredOn",
      ],
    ];
    for (const [path, role, body, field] of cases) {
      for (const headers of [{}, { "idempotency-key": `zero-${path}` }] as Record<string, string>[]) {
        const r = await t.call("POST", path, { key: keys[role]?.key, body, headers });
        expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      }
    }
    const first = await t.call("POST", "/v1/projects", {
      key: keys.registry?.key,
      body: { ref: "MN778", title: "Year one", hostCountry: "MN", methodology: "m", registeredOn: "0001-01-01" },
    });
    expect(first.status).toBe(201);
    expect(first.body.registeredOn).toBe("0001-01-01");
    expect((await snapshot())[0]?.j).not.toEqual(before[0]?.j);
  });

  it("names the missing fields of a request that picked its branch, and asks for one branch otherwise", async () => {
    const missing = await t.call("POST", "/v1/claims", {
      key: keys.company?.key,
      body: { serials: [iss.serials(3)], claimType: "contribution", beneficiary: { name: "B", country: "JP" } },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["period", "purpose"]);
    const both = await t.call("POST", "/v1/claims", {
      key: keys.company?.key,
      body: {
        serials: [iss.serials(3)],
        allocate: { issuanceId: iss.issuanceId, quantity: 1 },
        claimType: "contribution",
        beneficiary: { name: "B", country: "JP" },
        purpose: "p",
        period: { start: "2025-01-01", end: "2025-12-31" },
      },
    });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].message).toBe("give exactly one of serials or allocate");
  });

  it("still answers normally afterwards", async () => {
    expect((await t.call("GET", `/v1/status/${iss.serials(1, 100)}`)).body.parts).toHaveLength(1);
  });
});
