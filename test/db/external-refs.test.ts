import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

/**
 * External references: a registry names its own transaction numbers on issuances, deposits and
 * withdrawals (in JSON or as CSV columns), each unique per system, and finds the record and units
 * again by lookup. Every test uses references only it makes.
 */
describe.runIf(databaseAvailable())("external references", () => {
  let t: TestContext;
  let company: Org;
  beforeAll(async () => {
    t = await testContext();
    company = await t.org("company", "JP", "Refs K.K.");
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });
  let n = 0;
  const ref = (system = "jcm-registry-jp") => ({ system, id: `TX-${++n}-${Math.random().toString(36).slice(2, 8)}` });
  /** Deposits units of `iss` with `company`, under the given references. */
  const deposit = (iss: Issued, serials: string, externalRefs: { system: string; id: string }[]) =>
    t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [serials], organizationId: company.id, registryReference: "r", externalRefs },
    });
  const lookup = (r: { system: string; id: string }) =>
    t.call("GET", `/v1/lookup?system=${encodeURIComponent(r.system)}&id=${encodeURIComponent(r.id)}`);

  it("finds the issuance, the deposit and the withdrawal a registry's references name, with their units", async () => {
    const iss = await t.held(company, { deposited: 50 });
    const registry = iss.registry;
    const d = ref();
    const w = ref();
    const other = ref("jcm-registry-mn");
    const dep = await t.call("POST", "/v1/deposits", {
      key: registry.key,
      body: {
        serials: [iss.serials(51, 60)],
        organizationId: company.id,
        registryReference: "r",
        externalRefs: [d, other],
      },
    });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    expect(dep.body.externalRefs).toEqual([d, other]);
    const wdr = await t.call("POST", "/v1/withdrawals", {
      key: registry.key,
      body: { serials: [iss.serials(51, 55)], registryReference: "r", externalRefs: [w] },
    });
    expect(wdr.status).toBe(201);
    expect((await lookup(d)).body).toMatchObject({
      kind: "deposit",
      recordId: dep.body.id,
      serials: [iss.serials(51, 60)],
    });
    expect((await lookup(other)).body.recordId).toBe(dep.body.id);
    expect((await lookup(w)).body).toMatchObject({
      kind: "withdrawal",
      recordId: wdr.body.id,
      serials: [iss.serials(51, 55)],
    });
    // The journal carries them, so the event feed and webhooks do too.
    const entry = await t.call("GET", `/v1/provenance/${iss.serials(51)}`);
    const deposit = entry.body.events.find(
      (e: { kind: string; details: { id?: string } }) => e.details.id === dep.body.id,
    );
    expect(deposit.details.externalRefs).toEqual([d, other]);
  });

  it("names an issuance by reference, from JSON and from the CSV import's columns", async () => {
    const registry = await t.org("registry", "JP", "Refs registry");
    await t.call("POST", "/v1/projects", {
      key: registry.key,
      body: { ref: "MN077", title: "Refs project", hostCountry: "MN", methodology: "MN_AM003" },
    });
    const single = ref();
    const made = await t.call("POST", "/v1/issuances", {
      key: registry.key,
      body: {
        projectRef: "MN077",
        registry: "JP",
        vintage: 2021,
        monitoringPeriod: { start: "2020-01-01", end: "2020-12-31" },
        serialStart: 900_000_001,
        serialEnd: 900_000_100,
        externalRefs: [single],
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await lookup(single)).body).toMatchObject({
      kind: "issuance",
      recordId: made.body.id,
      serials: [made.body.serials],
    });
    const a = ref();
    const b = ref();
    const header =
      "project_ref,registry,vintage,monitoring_start,monitoring_end,serial_start,serial_end,external_ref_system,external_ref_id";
    const csv = [
      header,
      `MN077,JP,2022,2022-01-01,2022-12-31,900001001,900001100,${a.system},${a.id}`,
      "MN077,JP,2022,2022-01-01,2022-12-31,900001101,900001200,,",
      `MN077,JP,2022,2022-01-01,2022-12-31,900001201,900001300,${b.system},${b.id}`,
    ].join("\n");
    const imported = await t.call("POST", "/v1/issuances/import", {
      key: registry.key,
      body: csv,
      headers: { "content-type": "text/csv" },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect((await lookup(a)).body.serials).toEqual(["JCM-JP-MN077-2022-900001001-900001100"]);
    expect((await lookup(b)).body.serials).toEqual(["JCM-JP-MN077-2022-900001201-900001300"]);
    const half = `${header}\nMN077,JP,2023,2023-01-01,2023-12-31,900002001,900002100,jcm-registry-jp,\n`;
    const refused = await t.call("POST", "/v1/issuances/import", {
      key: registry.key,
      body: half,
      headers: { "content-type": "text/csv" },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ line: 2 });
  });

  it("keeps a reference unique per system: taken → 409 naming the record, twice in one request → 400", async () => {
    const iss = await t.held(company, { deposited: 50 });
    const taken = ref();
    const first = await deposit(iss, iss.serials(51, 52), [taken]);
    expect(first.status).toBe(201);
    const again = await deposit(iss, iss.serials(53, 54), [taken]);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "external_ref_taken" });
    expect(again.body.title).toContain(first.body.id);
    // Nothing of the refused deposit happened.
    expect((await t.call("GET", `/v1/status/${iss.serials(53, 54)}`)).body.parts[0].state).toBe("in_registry");
    const sameIdElsewhere = { system: "another-registry", id: taken.id };
    const fine = await deposit(iss, iss.serials(53, 54), [sameIdElsewhere]);
    expect(fine.status).toBe(201);
    const twice = ref();
    const doubled = await deposit(iss, iss.serials(55, 56), [twice, twice]);
    expect(doubled.status).toBe(400);
    expect(doubled.body.errors).toEqual([
      {
        path: "externalRefs.1",
        message: `jcm-registry-jp ${twice.id} is named twice in this request (first at externalRefs.0)`,
      },
    ]);
    expect((await lookup(twice)).status).toBe(404);
  });

  it("answers 404 for a reference nobody has and 400 for a malformed one", async () => {
    const nobody = ref();
    expect((await lookup(nobody)).body).toMatchObject({
      code: "external_ref_not_found",
      detail: `No record has the reference jcm-registry-jp ${nobody.id}`,
    });
    expect((await t.call("GET", "/v1/lookup?system=Not%20A%20System&id=x")).status).toBe(400);
    expect((await t.call("GET", "/v1/lookup?system=jcm-registry-jp")).status).toBe(400);
  });
});
