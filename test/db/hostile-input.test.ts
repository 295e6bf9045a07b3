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

  it("still answers normally afterwards", async () => {
    expect((await t.call("GET", `/v1/status/${iss.serials(1, 100)}`)).body.parts).toHaveLength(1);
  });
});
