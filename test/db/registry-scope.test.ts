import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../../db/values.js";
import { type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

const HEADER = "project_ref,registry,vintage,monitoring_start,monitoring_end,serial_start,serial_end";

describe.runIf(databaseAvailable())("a registry writes only the registries it operates", () => {
  let t: TestContext;
  let jp: Org;
  let mn: Org;
  let company: Org;
  const journalLength = async () =>
    Number((await rows(t.database.db, sql`SELECT count(*)::int AS n FROM journal`))[0]?.n);

  beforeAll(async () => {
    t = await testContext();
    jp = await t.org("registry", "JP", "JCM Registry of Japan");
    mn = await t.org("registry", "MN", "JCM Registry of Mongolia");
    company = await t.org("company", "JP");
    const p = await t.call("POST", "/v1/projects", {
      key: jp.key,
      body: { ref: "MN010", title: "Scope test project", hostCountry: "MN", methodology: "MN_AM003" },
    });
    expect(p.status).toBe(201);
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  const issuance = (registry: string, start: number, end: number) => ({
    projectRef: "MN010",
    registry,
    vintage: 2021,
    monitoringPeriod: { start: "2020-01-01", end: "2021-12-31" },
    serialStart: start,
    serialEnd: end,
  });

  it("gives a registry its own country's registry by default and says so", async () => {
    const me = await t.call("GET", "/v1/me", { key: jp.key });
    expect(me.body.organization.registries).toEqual(["JP"]);
    expect((await t.call("GET", "/v1/me", { key: company.key })).body.organization.registries).toEqual([]);
  });

  it("refuses an issuance in another registry with 403, writing nothing, so that registry's own issuance goes through", async () => {
    const before = await journalLength();
    const foreign = await t.call("POST", "/v1/issuances", { key: jp.key, body: issuance("MN", 1, 1000) });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe("registry_not_operated");
    expect(foreign.body.refused).toEqual(["MN"]);
    expect(foreign.body.operated).toEqual(["JP"]);
    expect(foreign.body.detail).toBe("The caller operates JP; it may not write units of registry MN");
    expect(foreign.body).not.toHaveProperty("errors");
    expect(await journalLength()).toBe(before);
    const own = await t.call("POST", "/v1/issuances", { key: mn.key, body: issuance("MN", 1, 1000) });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
  });

  it("refuses an import with any row in another registry, naming the rows, importing none", async () => {
    const csv = [
      HEADER,
      "MN010,JP,2021,2020-01-01,2021-12-31,5001,5100",
      "MN010,MN,2021,2020-01-01,2021-12-31,5001,5100",
    ];
    const before = await journalLength();
    const r = await t.call("POST", "/v1/issuances/import", {
      key: jp.key,
      body: csv.join("\n"),
      headers: { "content-type": "text/csv" },
    });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("registry_not_operated");
    expect(r.body.errors).toEqual([expect.objectContaining({ line: 3, row: 2 })]);
    const json = await t.call("POST", "/v1/issuances/import", {
      key: jp.key,
      body: { issuances: [issuance("JP", 6001, 6100), issuance("MN", 6001, 6100)] },
    });
    expect(json.status).toBe(403);
    expect(json.body.errors).toEqual([expect.objectContaining({ path: "issuances.1", row: 2 })]);
    expect(await journalLength()).toBe(before);
    expect((await t.call("GET", "/v1/status/JCM-JP-MN010-2021-5001-5100")).status).toBe(404);
  });

  it("refuses deposits and withdrawals of another registry's units; the holder keeps them", async () => {
    const jpUnits = await t.call("POST", "/v1/issuances", { key: jp.key, body: issuance("JP", 10_001, 11_000) });
    expect(jpUnits.status).toBe(201);
    const deposit = (key: string) =>
      t.call("POST", "/v1/deposits", {
        key,
        body: { serials: ["JCM-JP-MN010-2021-10001-10100"], organizationId: company.id, registryReference: "x" },
      });
    const foreignDeposit = await deposit(mn.key);
    expect(foreignDeposit.status).toBe(403);
    expect(foreignDeposit.body.code).toBe("registry_not_operated");
    expect((await deposit(jp.key)).status).toBe(201);
    const before = await journalLength();
    const withdrawal = await t.call("POST", "/v1/withdrawals", {
      key: mn.key,
      body: { serials: ["JCM-JP-MN010-2021-10001-10050"], registryReference: "taken" },
    });
    expect(withdrawal.status).toBe(403);
    expect(await journalLength()).toBe(before);
    const status = await t.call("GET", "/v1/status/JCM-JP-MN010-2021-10001-10100");
    expect(status.body.parts).toEqual([expect.objectContaining({ state: "held", holder: company.id })]);
    const own = await t.call("POST", "/v1/withdrawals", {
      key: company.key,
      body: { serials: ["JCM-JP-MN010-2021-10001-10010"], registryReference: "back" },
    });
    expect(own.status).toBe(201);
  });

  it("lets a hosting registry operate both registries once an admin sets them, and journals the change", async () => {
    const host = await t.org("registry", "JP", "Hosting registry");
    expect(
      (await t.call("POST", "/v1/issuances", { key: host.key, body: issuance("MN", 20_001, 20_100) })).status,
    ).toBe(403);
    const self = await t.call("PATCH", `/v1/organizations/${host.id}`, {
      key: host.key,
      body: { registries: ["JP", "MN"] },
    });
    expect(self.status).toBe(403);
    const patched = await t.call("PATCH", `/v1/organizations/${host.id}`, {
      key: t.admin.key,
      body: { registries: ["JP", "MN"] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.registries).toEqual(["JP", "MN"]);
    expect(
      (await t.call("POST", "/v1/issuances", { key: host.key, body: issuance("MN", 20_001, 20_100) })).status,
    ).toBe(201);
    const [entry] = await rows(
      t.database.db,
      sql`SELECT details FROM journal WHERE chain = ${`org:${host.id}`} AND kind = 'organization.updated'`,
    );
    expect(entry?.details).toEqual({ id: host.id, registries: { from: ["JP"], to: ["JP", "MN"] } });
    const notRegistry = await t.call("PATCH", `/v1/organizations/${company.id}`, {
      key: t.admin.key,
      body: { registries: ["JP"] },
    });
    expect(notRegistry.status).toBe(409);
    expect(notRegistry.body.code).toBe("not_a_registry");
  });

  it("needs the registries of a registry without a country, and gives none to other roles", async () => {
    const create = (body: object) => t.call("POST", "/v1/organizations", { key: t.admin.key, body });
    const missing = await create({ name: "Stateless registry", role: "registry" });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: "registries" })]);
    const given = await create({ name: "Regional registry", role: "registry", registries: ["TH", "VN", "TH"] });
    expect(given.status).toBe(201);
    expect(given.body.registries).toEqual(["TH", "VN"]);
    const company = await create({ name: "A company", role: "company", country: "JP", registries: ["JP"] });
    expect(company.status).toBe(400);
    expect((await create({ name: "Bad codes", role: "registry", registries: ["jp"] })).status).toBe(400);
  });

  it("refuses a project whose host country is not its reference's country", async () => {
    const r = await t.call("POST", "/v1/projects", {
      key: jp.key,
      body: { ref: "TH001", title: "Mismatched host", hostCountry: "VN", methodology: "TH_AM001" },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ path: "hostCountry", message: "must be TH, the country of the reference TH001" }]);
    expect((await t.call("GET", "/v1/projects/TH001")).status).toBe(404);
  });
});
