import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLAIMS_CSV_HEADER,
  claimsCsv,
  GOVERNMENT_USES_CSV_HEADER,
  governmentUsesCsv,
} from "../../api/ledger/read/exports.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

const parse = (csv: string) =>
  csv
    .trimEnd()
    .split("\r\n")
    .map((line) => line);

describe.runIf(databaseAvailable())("CSV reports for governments", () => {
  let t: TestContext;
  let mn: Issued;
  let id: Issued;
  let company: Org;
  let japan: Org;
  let claimId: string;
  const year = new Date().getUTCFullYear();
  beforeAll(async () => {
    t = await testContext();
    const registry = await t.org("registry", "JP");
    mn = await t.issue({ registry, project: "MN003", hostCountry: "MN", start: 1, end: 1000 });
    id = await t.issue({ registry, project: "ID023", hostCountry: "ID", start: 5001, end: 6000 });
    company = await t.org("company", "JP");
    japan = await t.org("government", "JP");
    await t.call("POST", "/v1/deposits", {
      key: registry.key,
      body: {
        serials: [mn.serials(1, 100), id.serials(5001, 5100)],
        organizationId: company.id,
        registryReference: "r",
      },
    });
    const made = await t.call("POST", "/v1/claims", {
      key: company.key,
      body: {
        serials: [mn.serials(1, 10), id.serials(5001, 5005)],
        beneficiary: { name: '=HYPERLINK("evil"), Inc.', country: "JP" },
        claimType: "contribution",
        purpose: "Offsetting, with a comma",
        period: { start: "2025-01-01", end: "2025-12-31" },
      },
    });
    expect(made.status).toBe(201);
    claimId = made.body.id;
    const report = await t.call("POST", "/v1/government-reports", {
      key: japan.key,
      body: { kind: "ndc_use", year: 2024, serials: [mn.serials(500, 599)], reference: "JP-NDC-2024" },
    });
    expect(report.status).toBe(201);
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("lists the claims on a host country's units, one row per range, with a documented header", async () => {
    const res = await t.app.request(`/v1/exports/claims.csv?hostCountry=MN&year=${year}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = parse(await res.text());
    expect(lines[0]).toBe(CLAIMS_CSV_HEADER.join(","));
    // Other tests of this file claim too: only this claim's rows are looked at.
    const mine = (all: string[]) => all.filter((l) => l.startsWith(`${claimId},`));
    const [row, ...more] = mine(lines);
    expect(more).toEqual([]);
    expect(row).toContain(`,${mn.serials(1, 10)},10,MN003,MN,JP,2020,false,false,`);
    expect(row).toContain(`"'=HYPERLINK(""evil""), Inc."`);
    expect(row).toContain('"Offsetting, with a comma"');
    expect(lines.slice(1).every((l) => l.includes(",MN,"))).toBe(true);
    const both = parse(await (await t.app.request(`/v1/exports/claims.csv?year=${year}`)).text());
    expect(mine(both)).toHaveLength(2);
    const lastYear = parse(
      await (await t.app.request(`/v1/exports/claims.csv?hostCountry=MN&year=${year - 1}`)).text(),
    );
    expect(mine(lastYear)).toEqual([]);
  });

  it("lists a party's reports for a year", async () => {
    const res = await t.app.request("/v1/exports/government-uses.csv?party=JP&year=2024");
    const lines = parse(await res.text());
    expect(lines[0]).toBe(GOVERNMENT_USES_CSV_HEADER.join(","));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(`^rpt_[0-9a-z]+,[^,]+,JP,ndc_use,2024,JP-NDC-2024,${mn.serials(500, 599)},100,MN003,MN,JP,2020$`),
    );
    expect(
      parse(await (await t.app.request("/v1/exports/government-uses.csv?party=MN&year=2024")).text()),
    ).toHaveLength(1);
  });

  it("defuses formula look-alikes: fullwidth signs and formulas behind invisible characters", async () => {
    const names = [
      "＝1+1",
      "＋81 3",
      "－5",
      "＠SUM(A1)",
      "\u200B=cmd|'/c calc'!A1",
      "\u202E=1+1",
      "\u2060@x",
      "\u2066-1",
    ];
    const claimant = await t.org("company", "JP");
    const registry = await t.org("registry", "JP");
    const units = await t.issue({ registry, project: "MN004", hostCountry: "MN", start: 9001, end: 9100 });
    await t.call("POST", "/v1/deposits", {
      key: registry.key,
      body: {
        serials: [units.serials(9001, 9000 + names.length)],
        organizationId: claimant.id,
        registryReference: "r",
      },
    });
    for (const [i, name] of names.entries()) {
      const c = await t.call("POST", "/v1/claims", {
        key: claimant.key,
        body: {
          serials: [units.serials(9001 + i)],
          beneficiary: { name, country: "JP" },
          claimType: "contribution",
          purpose: name,
          period: { start: "2025-01-01", end: "2025-12-31" },
        },
      });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
    }
    const csv = await (await t.app.request(`/v1/exports/claims.csv?year=${year}`)).text();
    // Beneficiary and purpose: both cells of each claim start with the apostrophe.
    for (const name of names) expect(csv.split(`,'${name},`).length - 1, JSON.stringify(name)).toBe(2);
  });

  it("streams a report a page of records at a time, each row once, in the order of the whole", async () => {
    const registry = await t.org("registry", "JP");
    const units = await t.issue({ registry, project: "MN005", hostCountry: "MN", start: 7001, end: 7100 });
    const claimant = await t.org("company", "JP");
    const mongolia = await t.org("government", "MN");
    await t.call("POST", "/v1/deposits", {
      key: registry.key,
      body: { serials: [units.serials(7001, 7010)], organizationId: claimant.id, registryReference: "r" },
    });
    for (let i = 0; i < 5; i++) {
      const claim = await t.call("POST", "/v1/claims", {
        key: claimant.key,
        body: {
          serials: [units.serials(7001 + 2 * i), units.serials(7002 + 2 * i)],
          beneficiary: { name: `Paged ${i}`, country: "JP" },
          claimType: "contribution",
          purpose: "paging",
          period: { start: "2025-01-01", end: "2025-12-31" },
        },
      });
      expect(claim.status).toBe(201);
      const report = await t.call("POST", "/v1/government-reports", {
        key: mongolia.key,
        body: { kind: "authorization", year: 2031, serials: [units.serials(7050 + i)], reference: `page-${i}` },
      });
      expect(report.status).toBe(201);
    }
    const collect = async (lines: AsyncGenerator<string>) => {
      const chunks: string[] = [];
      for await (const chunk of lines) chunks.push(chunk);
      return chunks;
    };
    const claims = await collect(claimsCsv(t.database.db, { year }, 2));
    const whole = await (await t.app.request(`/v1/exports/claims.csv?year=${year}`)).text();
    expect(claims.join("")).toBe(whole);
    expect(claims.length).toBeGreaterThanOrEqual(4);
    const ids = parse(whole)
      .slice(1)
      .map((l) => l.split(",")[0] as string);
    expect(ids).toEqual([...ids].sort());
    expect(whole.split("Paged ").length - 1).toBe(5);
    const reports = await collect(governmentUsesCsv(t.database.db, { party: "MN", year: 2031 }, 2));
    expect(reports).toHaveLength(4);
    const allReports = await (await t.app.request("/v1/exports/government-uses.csv?party=MN&year=2031")).text();
    expect(reports.join("")).toBe(allReports);
    expect(parse(allReports)).toHaveLength(6);
  });

  it("refuses bad filters with 400 problem+json", async () => {
    const r = await t.call("GET", "/v1/exports/claims.csv?hostCountry=Mongolia");
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("invalid_request");
  });
});
