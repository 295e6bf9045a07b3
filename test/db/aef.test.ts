import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AEF_TABLE_NAMES, AEF_TABLES } from "../../api/ledger/read/aef-formats.js";
import { HistoryTooLong, statusAt } from "../../api/ledger/read/status-at.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

/**
 * A scripted year of Article 6.2 actions between Mongolia and Japan, and the AEF each Party gets
 * for it, written out by hand. The service's clock is set before each step, so every action has
 * the date the script gives it.
 */
describe.runIf(databaseAvailable())("the Agreed Electronic Format of a scripted year", () => {
  let t: TestContext;
  let iss: Issued;
  let company: Org;
  let mongolia: Org;
  let japan: Org;
  let today = new Date("2025-01-10T09:00:00Z");
  const on = (day: string) => {
    today = new Date(`${day}T09:00:00Z`);
  };
  const ok = async (answer: Promise<{ status: number; body: unknown }>) => {
    const a = await answer;
    expect(a.status, JSON.stringify(a.body)).toBeLessThan(300);
    return a;
  };
  const report = (by: Org, body: Record<string, unknown>) =>
    ok(t.call("POST", "/v1/government-reports", { key: by.key, body: { year: 2025, reference: "r", ...body } }));
  const authorize = (body: Record<string, unknown>) =>
    ok(
      t.call("POST", "/v1/authorizations", {
        key: mongolia.key,
        body: { date: today.toISOString().slice(0, 10), ...body },
      }),
    );

  beforeAll(async () => {
    t = await testContext();
    t.deps.clock = () => new Date(today);
    // Every other test file uses its own database; the approach of Mongolia is this file's to set.
    await ok(
      t.call("PUT", "/v1/cooperative-approaches/MN", {
        key: t.admin.key,
        body: { id: "CA0042", name: "JCM Japan–Mongolia" },
      }),
    );
    company = await t.org("company", "JP", "Sapporo Breweries");
    mongolia = await t.org("government", "MN", "Ministry of Environment and Tourism of Mongolia");
    japan = await t.org("government", "JP", "Government of Japan");
    iss = await t.issue({ project: "MN006", hostCountry: "MN", vintage: 2024, start: 1, end: 100 });
    await ok(
      t.call("POST", "/v1/deposits", {
        key: iss.registry.key,
        body: { serials: [iss.serials(1, 40)], organizationId: company.id, registryReference: "r" },
      }),
    );
    on("2025-02-01");
    await authorize({
      reference: "MN-LoA-2025-001",
      purposes: ["oimp"],
      oimpPurposes: ["voluntary"],
      firstTransfer: "use_or_cancellation",
      authorizedEntities: [company.id],
      terms: "Voluntary compensation claims by the named entity",
      serials: [iss.serials(1, 60)],
    });
    on("2025-03-01");
    await authorize({ reference: "MN-LoA-2025-002", purposes: ["ndc"], serials: [iss.serials(61, 80)] });
    on("2025-03-15");
    await report(mongolia, { kind: "corresponding_adjustment", serials: [iss.serials(1, 60)] });
    on("2025-04-01");
    await ok(
      t.call("POST", "/v1/claims", {
        key: company.key,
        body: {
          serials: [iss.serials(1, 10)],
          beneficiary: { name: "Sapporo Breweries", country: "JP" },
          claimType: "compensation",
          purpose: "Offset of 2024 emissions",
          period: { start: "2024-01-01", end: "2024-12-31" },
          reportingYear: 2024,
        },
      }),
    );
    on("2025-05-01");
    await report(mongolia, { kind: "first_transfer", acquiringParty: "JP", serials: [iss.serials(61, 70)] });
    on("2025-06-01");
    await report(japan, { kind: "ndc_use", serials: [iss.serials(61, 65)] });
    await report(japan, { kind: "ndc_use", serials: [iss.serials(81, 85)] });
    on("2025-07-01");
    await report(mongolia, { kind: "cancellation", purpose: "voluntary", serials: [iss.serials(41, 45)] });
    on("2026-01-05");
    await report(japan, { kind: "ndc_use", year: 2026, serials: [iss.serials(66, 70)] });
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  const aef = async (party: string) => {
    const a = await t.call("GET", `/v1/article6/aef?party=${party}&year=2025`);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    return a.body;
  };
  type Row = Record<string, string | number | null>;
  const brief = (r: Row) => [
    r.actionDate,
    r.actionType,
    r.actionSubtype,
    r.authorizationId,
    r.firstUnitId,
    r.lastUnitId,
    r.quantity,
    r.transferringParty,
    r.acquiringParty,
    r.usingPartyOrEntity,
    r.yearOfUse,
  ];

  it("gives the host its authorizations, first transfers, OIMP use, cancellation and holdings at 31 December", async () => {
    const mn = await aef("MN");
    const u = (n: number) => iss.serials(n);
    expect(mn.submission).toMatchObject({ party: "MN", reportedYear: 2025, version: 1, ndcPeriod: "2021-2030" });
    expect(
      mn.authorizations.map((r: Row) => [
        r.authorizationId,
        r.date,
        r.purposes,
        r.firstUnitId,
        r.lastUnitId,
        r.quantity,
      ]),
    ).toEqual([
      ["MN-LoA-2025-001", "2025-02-01", "OIMP", u(1), u(60), 60],
      ["MN-LoA-2025-002", "2025-03-01", "NDC", u(61), u(80), 20],
    ]);
    expect(mn.actions.map(brief)).toEqual([
      ["2025-02-01", "authorization", null, "MN-LoA-2025-001", u(1), u(60), 60, null, null, null, null],
      ["2025-03-01", "authorization", null, "MN-LoA-2025-002", u(61), u(80), 20, null, null, null, null],
      [
        "2025-04-01",
        "first_transfer",
        "oimp",
        "MN-LoA-2025-001",
        u(1),
        u(10),
        10,
        "MN",
        null,
        "Sapporo Breweries",
        null,
      ],
      ["2025-04-01", "use", "oimp", "MN-LoA-2025-001", u(1), u(10), 10, null, null, "Sapporo Breweries", 2025],
      ["2025-05-01", "first_transfer", "ndc", "MN-LoA-2025-002", u(61), u(70), 10, "MN", "JP", null, null],
      ["2025-07-01", "first_transfer", "oimp", "MN-LoA-2025-001", u(41), u(45), 5, "MN", null, null, null],
      ["2025-07-01", "cancellation", "voluntary", "MN-LoA-2025-001", u(41), u(45), 5, null, null, null, null],
    ]);
    expect(mn.actions[2]).toMatchObject({
      cooperativeApproachId: "CA0042",
      firstTransferringParty: "MN",
      firstItmoId: "CA0042-JP-MN-2024-MN006-1",
      lastItmoId: "CA0042-JP-MN-2024-MN006-10",
      metric: "tCO2e",
      vintage: 2024,
    });
    const totals = Object.fromEntries(
      ["authorization", "first_transfer", "use", "cancellation"].map((type) => [
        type,
        mn.actions.filter((r: Row) => r.actionType === type).reduce((n: number, r: Row) => n + Number(r.quantity), 0),
      ]),
    );
    expect(totals).toEqual({ authorization: 80, first_transfer: 25, use: 10, cancellation: 5 });
    expect(
      mn.holdings.map((r: Row) => [r.holdingDate, r.authorizationId, r.firstUnitId, r.lastUnitId, r.quantity]),
    ).toEqual([
      ["2025-12-31", "MN-LoA-2025-001", u(11), u(40), 30],
      ["2025-12-31", "MN-LoA-2025-001", u(46), u(60), 15],
      ["2025-12-31", "MN-LoA-2025-002", u(71), u(80), 10],
    ]);
    expect(mn.authorizedEntities).toEqual([
      {
        entityId: company.id,
        name: "Sapporo Breweries",
        country: "JP",
        cooperativeApproachId: "CA0042",
        authorizationId: "MN-LoA-2025-001",
        conditions: "Voluntary compensation claims by the named entity",
      },
    ]);
  });

  it("gives Japan its acquisition, its NDC uses (with consistency findings) and what it holds at 31 December", async () => {
    const jp = await aef("JP");
    const u = (n: number) => iss.serials(n);
    expect(jp.authorizations).toEqual([]);
    expect(jp.actions.map(brief)).toEqual([
      ["2025-05-01", "acquisition", null, "MN-LoA-2025-002", u(61), u(70), 10, "MN", "JP", null, null],
      ["2025-06-01", "use", "ndc", "MN-LoA-2025-002", u(61), u(65), 5, null, null, "JP", 2025],
      ["2025-06-01", "use", "ndc", null, u(81), u(85), 5, null, null, "JP", 2025],
    ]);
    expect(jp.actions[2].additionalInformation).toContain("consistency: not_authorized_for_ndc");
    expect(jp.actions[2].additionalInformation).toContain("consistency: not_first_transferred");
    expect(jp.actions[1].additionalInformation).not.toContain("consistency");
    expect(jp.holdings.map((r: Row) => [r.firstUnitId, r.lastUnitId, r.quantity, r.firstItmoId])).toEqual([
      [u(66), u(70), 5, "CA0042-JP-MN-2024-MN006-66"],
    ]);
  });

  it("names, in each action row, the journal entry it was derived from", async () => {
    const mn = await aef("MN");
    const claimRow = mn.actions.find((r: Row) => r.actionType === "use") as Row;
    const [, seq, hash] = /journal entry (\d+) \(([0-9a-f]+)\)/.exec(String(claimRow.additionalInformation)) ?? [];
    const history = await t.call("GET", `/v1/provenance/${iss.serials(1, 10)}`);
    const entry = history.body.events.find((e: { seq: number }) => e.seq === Number(seq));
    expect(entry).toMatchObject({ kind: "claim", hash });
  });

  it("writes a workbook with one sheet per table, in AEF column order, whose rows read back to the report", async () => {
    const mn = await aef("MN");
    const res = await t.app.request("/v1/article6/aef?party=MN&year=2025&format=xlsx");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    expect(book.worksheets.map((s) => s.name)).toEqual([
      "1 Submission",
      "2 Authorizations",
      "3 Actions",
      "4 Holdings",
      "5 Authorized entities",
    ]);
    // Table 3 in the order ARTICLE6.md lists its columns (decision 4/CMA.6, annex II).
    const headings = (book.getWorksheet("3 Actions") as ExcelJS.Worksheet).getRow(1).values as unknown[];
    expect(headings.slice(1)).toEqual([
      "Action date",
      "Action type",
      "Action subtype",
      "Cooperative approach ID",
      "Authorization ID",
      "First transferring Party",
      "ITMO registry",
      "First ITMO ID",
      "Last ITMO ID",
      "Underlying unit registry",
      "First underlying unit ID",
      "Last underlying unit ID",
      "Metric",
      "Quantity",
      "Mitigation type",
      "Vintage",
      "Transferring Party",
      "Acquiring Party",
      "Purposes for OIMP",
      "Using Party or entity",
      "Year of use",
      "Additional information",
    ]);
    for (const table of AEF_TABLE_NAMES) {
      const spec = AEF_TABLES[table];
      const sheet = book.getWorksheet(spec.sheet) as ExcelJS.Worksheet;
      const values = sheet.getSheetValues().slice(1) as unknown[][];
      expect((values[0] ?? []).slice(1)).toEqual(spec.columns.map(([, heading]) => heading));
      const back = values
        .slice(1)
        .map((cells) =>
          Object.fromEntries(
            spec.columns.map(([key], i) => [key, (cells[i + 1] as string | number | undefined) ?? null]),
          ),
        );
      const expected = Array.isArray(mn[table]) ? mn[table] : [mn[table]];
      expect(back, table).toEqual(expected);
    }
  });

  it("writes one table as CSV with the AEF headings, and refuses a table without format=csv", async () => {
    const mn = await aef("MN");
    const res = await t.call("GET", "/v1/article6/aef?party=MN&year=2025&format=csv&table=actions");
    expect(res.status).toBe(200);
    const records = parse(res.body as string, { columns: true }) as Record<string, string>[];
    expect(records.map((r) => r["First underlying unit ID"])).toEqual(mn.actions.map((r: Row) => r.firstUnitId));
    expect(Object.keys(records[0] ?? {})).toEqual(AEF_TABLES.actions.columns.map(([, heading]) => heading));
    expect((await t.call("GET", "/v1/article6/aef?party=MN&year=2025&table=actions")).status).toBe(400);
    expect((await t.call("GET", "/v1/article6/aef?party=MN&year=2025&format=csv")).status).toBe(400);
    expect((await t.call("GET", "/v1/article6/aef?party=mn&year=2025")).status).toBe(400);
  });

  it("replays holdings to 31 December: a use in the next year does not reach back", async () => {
    const at = await t.call("GET", `/v1/status/${iss.serials(66, 70)}?at=2025-12-31T23:59:59Z`);
    expect(at.body.parts).toEqual([expect.objectContaining({ state: "in_registry", quantity: 5 })]);
    const now = await t.call("GET", `/v1/status/${iss.serials(66, 70)}`);
    expect(now.body.parts).toEqual([expect.objectContaining({ state: "government_used", quantity: 5 })]);
    const before = await t.call("GET", `/v1/status/${iss.serials(1, 5)}?at=2025-01-01T00:00:00Z`);
    expect(before.status).toBe(404);
  });

  it("pages the past a part at a time, and refuses a history longer than its bound", async () => {
    const at = new Date("2025-12-31T23:59:59Z");
    const first = await statusAt(t.database.db, { serials: iss.serials(1, 100), limit: 2, at });
    expect(first.parts.map((p) => p.serials)).toEqual([iss.serials(1, 10), iss.serials(11, 40)]);
    expect(first.nextCursor).toBe("41");
    const second = await statusAt(t.database.db, { serials: iss.serials(1, 100), limit: 2, at, cursor: 41n });
    expect(second.parts.map((p) => p.serials)).toEqual([iss.serials(41, 45), iss.serials(46, 60)]);
    // Units 1-10 were touched by the issuance, the deposit, the authorization, the adjustment and the claim.
    await expect(statusAt(t.database.db, { serials: iss.serials(1, 10), limit: 10, at }, 5)).resolves.toMatchObject({
      parts: [{ state: "claimed" }],
    });
    await expect(statusAt(t.database.db, { serials: iss.serials(1, 10), limit: 10, at }, 4)).rejects.toBeInstanceOf(
      HistoryTooLong,
    );
    const outside = await t.call("GET", `/v1/status/${iss.serials(1, 10)}?at=2025-12-31T23:59:59Z&cursor=11`);
    expect(outside.status).toBe(400);
  });

  it("lists the blocks of one entry in unit order, unit 9999 before unit 10000", async () => {
    on("2027-03-01");
    const other = await t.issue({ hostCountry: "MN", vintage: 2026, start: 9001, end: 10200 });
    await authorize({ reference: "MN-LoA-2027-001", purposes: ["ndc"], serials: [other.serials(9995, 9999)] });
    await report(japan, { kind: "ndc_use", year: 2027, serials: [other.serials(9995, 10005)] });
    const jp = await t.call("GET", "/v1/article6/aef?party=JP&year=2027");
    expect(jp.body.actions.map((r: Row) => [r.firstUnitId, r.lastUnitId, r.authorizationId])).toEqual([
      [other.serials(9995), other.serials(9999), "MN-LoA-2027-001"],
      [other.serials(10000), other.serials(10005), null],
    ]);
  });
});
