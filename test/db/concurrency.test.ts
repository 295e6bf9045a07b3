import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";

const claim = (serials: string[]) => ({
  serials,
  beneficiary: { name: "B", country: "JP" },
  claimType: "contribution",
  purpose: "Race",
  period: { start: "2025-01-01", end: "2025-12-31" },
});

describe.runIf(databaseAvailable())(`races are settled by the database (${dbKind})`, () => {
  let t: TestContext;
  let iss: Issued;
  let company: Org;
  beforeAll(async () => {
    t = await testContext({ poolSize: 25 });
    iss = await t.issue({ start: 1, end: 100_000 });
    company = await t.org("company", "JP");
    await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 50_000)], organizationId: company.id, registryReference: "r" },
    });
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("20 simultaneous claims of the same units: exactly one 201, nineteen 409 naming the winner", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(1, 100)]) }),
      ),
    );
    const won = answers.filter((a) => a.status === 201);
    const lost = answers.filter((a) => a.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const l of lost) {
      expect(l.body.code).toBe("serials_already_claimed");
      expect(l.body.conflicts).toEqual([
        expect.objectContaining({ serials: iss.serials(1, 100), claimId: won[0]?.body.id }),
      ]);
    }
  });

  it("overlapping claims on shifted ranges: every unit claimed at most once", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(1001 + i * 5, 1010 + i * 5)]) }),
      ),
    );
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    const status = await t.call("GET", `/v1/status/${iss.serials(1001, 1110)}`);
    const claimed = status.body.parts.filter((p: { state: string }) => p.state === "claimed");
    const total = claimed.reduce((n: number, p: { quantity: number }) => n + p.quantity, 0);
    const wonUnits = answers.filter((a) => a.status === 201).reduce((n, a) => n + a.body.quantity, 0);
    expect(total).toBe(wonUnits);
  });

  it("a claim racing a transfer of the same units: one wins, units are never both moved and claimed", async () => {
    const other = await t.org("company", "JP");
    const [c, tr] = await Promise.all([
      t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(2001, 2100)]) }),
      t.call("POST", "/v1/transfers", {
        key: company.key,
        body: { serials: [iss.serials(2050, 2150)], toOrganizationId: other.id },
      }),
    ]);
    expect([c.status, tr.status].sort()).toEqual([201, 409]);
  });

  it("simultaneous overlapping issuances: exactly one is recorded", async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.call("POST", "/v1/issuances", {
          key: iss.registry.key,
          body: {
            projectRef: iss.project,
            registry: "JP",
            vintage: 2030,
            monitoringPeriod: { start: "2029-01-01", end: "2030-12-31" },
            serialStart: 200_000 + i,
            serialEnd: 300_000,
          },
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 201)) expect(a.body.code).toBe("double_issuance");
  });

  it("30 simultaneous issuances and imports over chains of overlaps: winners disjoint, every loser a prompt 409, none 503", async () => {
    // Ranges i*50+1 … i*50+100 overlap their neighbours: inserts racing under the exclusion
    // constraint used to deadlock in cycles and give up as 503.
    const body = (i: number) => ({
      projectRef: iss.project,
      registry: "JP",
      vintage: 2031,
      monitoringPeriod: { start: "2030-01-01", end: "2031-12-31" },
      serialStart: 400_000 + i * 50 + 1,
      serialEnd: 400_000 + i * 50 + 100,
    });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 2
          ? t.call("POST", "/v1/issuances/import", { key: iss.registry.key, body: { issuances: [body(i)] } })
          : t.call("POST", "/v1/issuances", { key: iss.registry.key, body: body(i) }),
      ),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 201 && s !== 409 && s !== 400)).toEqual([]);
    const won = answers.flatMap((a, i) => (a.status === 201 ? [body(i)] : []));
    const sorted = [...won].sort((a, b) => a.serialStart - b.serialStart);
    for (let k = 1; k < sorted.length; k++) {
      expect((sorted[k] as { serialStart: number }).serialStart).toBeGreaterThan(
        (sorted[k - 1] as { serialEnd: number }).serialEnd,
      );
    }
    for (const [i, a] of answers.entries()) {
      if (a.status === 201) continue;
      const mine = body(i);
      expect(won.some((w) => w.serialStart <= mine.serialEnd && mine.serialStart <= w.serialEnd)).toBe(true);
      // A lone issuance is refused with its conflicts; an import names the row that overlaps.
      if (i % 3 === 2) expect(a.body.errors[0].message).toMatch(/^overlaps issuance iss_\d+/);
      else expect(a.body.code).toBe("double_issuance");
    }
  });
});
