import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIssuanceId } from "../../api/ledger/core/ids.js";
import { rows } from "../../db/values.js";
import { type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

const HEADER = "project_ref,registry,vintage,monitoring_start,monitoring_end,serial_start,serial_end";

describe.runIf(databaseAvailable())("projects and issuances", () => {
  let t: TestContext;
  let registry: Org;
  beforeAll(async () => {
    t = await testContext();
    registry = await t.org("registry", "JP");
    const r = await t.call("POST", "/v1/projects", {
      key: registry.key,
      body: {
        ref: "MN006",
        title: "Introduction of 15MW Solar Power System near New Airport",
        hostCountry: "MN",
        methodology: "MN_AM003",
        sector: "Energy industries (renewable/non-renewable sources)",
        registeredOn: "2023-06-02",
      },
    });
    expect(r.status).toBe(201);
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  const issuance = (over: Record<string, unknown> = {}) => ({
    projectRef: "MN006",
    registry: "JP",
    vintage: 2020,
    monitoringPeriod: { start: "2019-07-06", end: "2020-12-31" },
    serialStart: 1,
    serialEnd: 24249,
    ...over,
  });

  it("registers a project once; a second registration is 409 project_exists", async () => {
    const again = await t.call("POST", "/v1/projects", {
      key: registry.key,
      body: { ref: "MN006", title: "x", hostCountry: "MN", methodology: "MN_AM003" },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("project_exists");
    expect(again.body.detail).toBe("Project MN006 is already registered");
    // Its registration is journaled once, on a chain of its own, naming no units.
    const entries = await rows(
      t.database.db,
      sql`SELECT chain, serials FROM journal WHERE kind = 'project.created' AND details->>'ref' = 'MN006'`,
    );
    expect(entries).toEqual([{ chain: "prj:MN006", serials: [] }]);
    const bad = await t.call("POST", "/v1/projects", {
      key: registry.key,
      body: { ref: "MN6", title: "x", hostCountry: "Mongolia", methodology: "" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["hostCountry", "methodology", "ref"]);
  });

  it("records an issuance with its canonical serials, all in_registry", async () => {
    const r = await t.call("POST", "/v1/issuances", { key: registry.key, body: issuance() });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.stringMatching(/^iss_\d+$/),
      serials: "JCM-JP-MN006-2020-1-24249",
      quantity: 24249,
      hostCountry: "MN",
      monitoringPeriod: { start: "2019-07-06", end: "2020-12-31" },
    });
    const got = await t.call("GET", `/v1/issuances/${r.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.segments).toEqual([
      expect.objectContaining({ serials: "JCM-JP-MN006-2020-1-24249", state: "in_registry", quantity: 24249 }),
    ]);
    expect(got.body.totals).toEqual({
      in_registry: 24249,
      held: 0,
      tokenized: 0,
      claimed: 0,
      government_used: 0,
      cancelled: 0,
    });
    // The project lists it: the page that starts right after the issuance before it begins with it.
    const before = (parseIssuanceId(r.body.id) as bigint) - 1n;
    const project = await t.call("GET", `/v1/projects/MN006?limit=1&cursor=${before}`);
    expect(project.body.issuances.map((i: { id: string }) => i.id)).toEqual([r.body.id]);
  });

  it("refuses double issuance in the same registry with the overlapping units named", async () => {
    const first = await t.call("POST", "/v1/issuances", {
      key: registry.key,
      body: issuance({ serialStart: 60001, serialEnd: 64249 }),
    });
    expect(first.status).toBe(201);
    const r = await t.call("POST", "/v1/issuances", {
      key: registry.key,
      body: issuance({ vintage: 2021, serialStart: 64000, serialEnd: 70000 }),
    });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "double_issuance", title: "Units of registry JP are already issued" });
    expect(r.body.conflicts).toEqual([
      expect.objectContaining({ serials: "JCM-JP-MN006-2020-64000-64249", state: "issued" }),
    ]);
  });

  it("allows the same numbers in another registry (unit numbers are unique per registry)", async () => {
    // Japan's registry hosts Mongolia's, so it operates both.
    const hosting = await t.org("registry", "JP");
    const scoped = await t.call("PATCH", `/v1/organizations/${hosting.id}`, {
      key: t.admin.key,
      body: { registries: ["JP", "MN"] },
    });
    expect(scoped.body.registries).toEqual(["JP", "MN"]);
    const r = await t.call("POST", "/v1/issuances", { key: hosting.key, body: issuance({ registry: "MN" }) });
    expect(r.status).toBe(201);
    expect(r.body.serials).toBe("JCM-MN-MN006-2020-1-24249");
  });

  it("issues a single unit, monitored for a single day", async () => {
    const one = await t.call("POST", "/v1/issuances", {
      key: registry.key,
      body: issuance({
        serialStart: 800000,
        serialEnd: 800000,
        monitoringPeriod: { start: "2020-05-01", end: "2020-05-01" },
      }),
    });
    expect(one.status, JSON.stringify(one.body)).toBe(201);
    expect(one.body).toMatchObject({ serials: "JCM-JP-MN006-2020-800000", quantity: 1 });
  });

  it("refuses malformed issuances: unknown project 404, reversed range and period 400", async () => {
    const unknown = await t.call("POST", "/v1/issuances", {
      key: registry.key,
      body: issuance({ projectRef: "ZZ999", serialStart: 900000, serialEnd: 900001 }),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: "project_not_found", detail: "No project with reference ZZ999" });
    const reversed = await t.call("POST", "/v1/issuances", {
      key: registry.key,
      body: issuance({
        serialStart: 500000,
        serialEnd: 400000,
        monitoringPeriod: { start: "2021-01-01", end: "2020-01-01" },
      }),
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([
      { path: "body", message: "serialStart 500000 is greater than serialEnd 400000" },
      { path: "body", message: "monitoring period starts (2021-01-01) after it ends (2020-01-01)" },
    ]);
    const huge = await t.call("POST", "/v1/issuances", {
      key: registry.key,
      body: issuance({ serialStart: 1, serialEnd: 2 ** 60 }),
    });
    expect(huge.status).toBe(400);
    expect(huge.body.errors[0].path).toBe("serialEnd");
  });

  it("lists projects by reference, page by page", async () => {
    for (const ref of ["KH004", "BD002"]) {
      const r = await t.call("POST", "/v1/projects", {
        key: registry.key,
        body: { ref, title: `Project ${ref}`, hostCountry: ref.slice(0, 2), methodology: `${ref.slice(0, 2)}_AM001` },
      });
      expect(r.status).toBe(201);
    }
    const first = await t.call("GET", "/v1/projects?limit=2");
    expect(first.body.data.map((p: { ref: string }) => p.ref)).toEqual(["BD002", "KH004"]);
    expect(first.body.data[1]).toMatchObject({ registeredOn: null, sector: null });
    const rest = await t.call("GET", `/v1/projects?limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body).toMatchObject({
      data: [expect.objectContaining({ ref: "MN006", registeredOn: "2023-06-02" })],
      nextCursor: null,
    });
  });

  it("answers 404 for an unknown issuance or project", async () => {
    expect((await t.call("GET", "/v1/issuances/iss_999999")).body.code).toBe("issuance_not_found");
    expect((await t.call("GET", "/v1/issuances/bogus")).status).toBe(404);
    expect((await t.call("GET", "/v1/projects/ZZ999")).body.code).toBe("project_not_found");
  });

  it("imports issuances from CSV, all or nothing", async () => {
    const csv = `${HEADER}\nMN006,JP,2021,2021-01-01,2021-12-31,100001,100500\nMN006,JP,2022,2022-01-01,2022-12-31,100501,101000\n`;
    const r = await t.call("POST", "/v1/issuances/import", {
      key: registry.key,
      body: csv,
      headers: { "content-type": "text/csv" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.imported).toBe(2);
    expect(r.body.issuances.map((i: { serials: string }) => i.serials)).toEqual([
      "JCM-JP-MN006-2021-100001-100500",
      "JCM-JP-MN006-2022-100501-101000",
    ]);
  });

  it("reports every bad CSV row by line number and imports nothing", async () => {
    const existing = await t.call("POST", "/v1/issuances/import", {
      key: registry.key,
      body: `${HEADER}\nMN006,JP,2021,2021-01-01,2021-12-31,150001,150500\nMN006,JP,2022,2022-01-01,2022-12-31,150501,151000\n`,
      headers: { "content-type": "text/csv" },
    });
    expect(existing.status, JSON.stringify(existing.body)).toBe(201);
    const csv = [
      HEADER,
      "MN006,JP,2023,2023-01-01,2023-12-31,200001,200100",
      "ZZ999,JP,2023,2023-01-01,2023-12-31,200101,200200",
      "MN006,jp,2023,2023-01-01,2023-12-31,200201,200300",
      "MN006,JP,2023,2023-01-01,2023-12-31,200050,200060",
      "MN006,JP,2023,2023-01-01,2023-12-31,150400,150600",
      "MN006,JP,2023,2023-12-31,2023-01-01,300001,300002",
    ].join("\n");
    const r = await t.call("POST", "/v1/issuances/import", {
      key: registry.key,
      body: csv,
      headers: { "content-type": "text/csv" },
    });
    expect(r.status).toBe(400);
    const lines = [...new Set(r.body.errors.map((e: { line: number }) => e.line))];
    expect(lines).toEqual([4]);
    // Schema errors come first; fixing line 4 reveals the rest, all reported together.
    const fixed = csv.replace("MN006,jp", "MN006,JP");
    const again = await t.call("POST", "/v1/issuances/import", {
      key: registry.key,
      body: fixed,
      headers: { "content-type": "text/csv" },
    });
    expect(again.status).toBe(400);
    expect(again.body.errors.map((e: { line: number; message: string }) => [e.line, e.message])).toEqual([
      [3, "no project with reference ZZ999"],
      [5, "overlaps row 1 in registry JP"],
      [6, expect.stringMatching(/^overlaps issuance iss_\d+: JCM-JP-MN006-2021-150400-150500 already issued$/)],
      [6, expect.stringMatching(/^overlaps issuance iss_\d+: JCM-JP-MN006-2022-150501-150600 already issued$/)],
      [7, "monitoring period starts (2023-12-31) after it ends (2023-01-01)"],
    ]);
    expect((await t.call("GET", "/v1/status/JCM-JP-MN006-2023-200001-200100")).status).toBe(404);
  });

  it("imports JSON too, and refuses an import overlapping itself", async () => {
    const ok = await t.call("POST", "/v1/issuances/import", {
      key: registry.key,
      body: { issuances: [issuance({ vintage: 2024, serialStart: 400001, serialEnd: 400010 })] },
    });
    expect(ok.status).toBe(201);
    const bad = await t.call("POST", "/v1/issuances/import", {
      key: registry.key,
      body: {
        issuances: [
          issuance({ vintage: 2024, serialStart: 500001, serialEnd: 500010 }),
          issuance({ vintage: 2024, serialStart: 500005, serialEnd: 500020 }),
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ row: 2, message: "overlaps row 1 in registry JP" })]);
    // Listed out of order: one unit in common is an overlap, touching is not, and a long row reaches past shorter ones.
    const subtle = await t.call("POST", "/v1/issuances/import", {
      key: registry.key,
      body: {
        issuances: [
          issuance({ vintage: 2024, serialStart: 600101, serialEnd: 600150 }),
          issuance({ vintage: 2024, serialStart: 600001, serialEnd: 600100 }),
          issuance({ vintage: 2024, serialStart: 600150, serialEnd: 600160 }),
          issuance({ vintage: 2024, serialStart: 700001, serialEnd: 701000 }),
          issuance({ vintage: 2024, serialStart: 700010, serialEnd: 700020 }),
          issuance({ vintage: 2024, serialStart: 700030, serialEnd: 700040 }),
        ],
      },
    });
    expect(subtle.status).toBe(400);
    expect(subtle.body.errors.map((e: { row: number; message: string }) => [e.row, e.message])).toEqual([
      [3, "overlaps row 1 in registry JP"],
      [5, "overlaps row 4 in registry JP"],
      [6, "overlaps row 4 in registry JP"],
    ]);
  });

  it("imports thousands of issuances in one request, each with its genesis entry, and still finds them", async () => {
    const list = Array.from({ length: 1_500 }, (_, i) =>
      issuance({ vintage: 2025, serialStart: 1_000_001 + i * 10, serialEnd: 1_000_010 + i * 10 }),
    );
    const r = await t.call("POST", "/v1/issuances/import", { key: registry.key, body: { issuances: list } });
    expect(r.status).toBe(201);
    expect(r.body.imported).toBe(1_500);
    const last = await t.call("GET", "/v1/status/JCM-JP-MN006-2025-1014991-1015000");
    expect(last.status).toBe(200);
    expect(last.body.parts).toEqual([expect.objectContaining({ state: "in_registry", quantity: 10 })]);
    const straddling = await t.call("GET", "/v1/status/JCM-JP-MN006-2025-1000005-1000015");
    expect(straddling.status).toBe(404);
    // The import refreshed the planner's statistics: it counts the issuances it wrote (never analyzed: -1).
    const [stats] = await rows(t.database.db, sql`SELECT reltuples FROM pg_class WHERE relname = 'issuances'`);
    expect(Number(stats?.reltuples)).toBeGreaterThanOrEqual(1_500);
    await t.audit();
  });

  it("refuses a body over 1 MB with 413 and a wrong content type with 415", async () => {
    const big = await t.call("POST", "/v1/projects", {
      key: registry.key,
      body: { ref: "MN099", title: "x".repeat(1_100_000), hostCountry: "MN", methodology: "x" },
    });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe("payload_too_large");
    const form = await t.call("POST", "/v1/projects", {
      key: registry.key,
      body: "ref=MN099",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    const broken = await t.call("POST", "/v1/projects", { key: registry.key, body: "{not json" });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe("invalid_request");
  });
});
