import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";
import { sealEverything } from "../helpers/seal.js";

const claimBody = (over: Record<string, unknown>) => ({
  beneficiary: { name: "Kanto Rail Co.", country: "JP" },
  claimType: "contribution",
  purpose: "Offsetting 2025 business travel",
  period: { start: "2025-01-01", end: "2025-12-31" },
  ...over,
});

interface World {
  iss: Issued;
  /** Holds units 1-5000 of `iss`. */
  a: Org;
  b: Org;
}

describe.runIf(databaseAvailable())("deposits, transfers, withdrawals, claims, holdings", () => {
  let t: TestContext;
  let mongolia: Org;
  beforeAll(async () => {
    t = await testContext();
    mongolia = await t.org("government", "MN");
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  let worlds = 0;
  /**
   * Each test's own units: 10,000 units of a Mongolian project in a registry of its own (so unit
   * numbers may repeat from one test to the next), 1-5000 deposited with `a`.
   */
  const world = async (): Promise<World> => {
    const registryCode = `W${String.fromCharCode(65 + worlds++)}`;
    const iss = await t.issue({ hostCountry: "MN", start: 1, end: 10_000, registryCode });
    const a = await t.org("company", "JP", "Aozora");
    const b = await t.org("company", "JP", "Kanto");
    const d = await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 5000)], organizationId: a.id, registryReference: "JP-TR-1" },
    });
    expect(d.status).toBe(201);
    expect(d.body).toMatchObject({ serials: [iss.serials(1, 5000)], organizationId: a.id, quantity: 5000 });
    return { iss, a, b };
  };
  const give = async (w: World, serials: string, to: Org) => {
    const r = await t.call("POST", "/v1/transfers", {
      key: w.a.key,
      body: { serials: [serials], toOrganizationId: to.id },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };

  it("shows the depositor's holdings", async () => {
    const { iss, a } = await world();
    const h = await t.call("GET", "/v1/holdings", { key: a.key });
    expect(h.status).toBe(200);
    expect(h.body).toEqual({
      data: [
        {
          serials: iss.serials(1, 5000),
          issuanceId: iss.issuanceId,
          quantity: 5000,
          state: "held",
          authorized: false,
          correspondingAdjustment: false,
        },
      ],
      nextCursor: null,
    });
  });

  it("refuses a deposit of units that are not in the registry, naming them", async () => {
    const { iss, a, b } = await world();
    const r = await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(4990, 5010)], organizationId: b.id, registryReference: "JP-TR-2" },
    });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("serials_not_in_registry");
    expect(r.body.conflicts).toEqual([
      expect.objectContaining({ serials: iss.serials(4990, 5000), state: "held", holder: a.id }),
    ]);
  });

  it("refuses a deposit to an unknown organization (404) or to a non-company (422)", async () => {
    const { iss } = await world();
    const unknown = await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(6000)], organizationId: "org_nope", registryReference: "x" },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: "organization_not_found", detail: "No organization org_nope" });
    const gov = await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(6000)], organizationId: mongolia.id, registryReference: "x" },
    });
    expect(gov.status).toBe(422);
    expect(gov.body).toMatchObject({
      code: "invalid_holder",
      detail: `organizationId ${mongolia.id} is not a company and cannot hold units`,
    });
  });

  it("names deposits, transfers and withdrawals by their own kind of id", async () => {
    const { iss, a, b } = await world();
    const deposited = await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(6001, 6010)], organizationId: a.id, registryReference: "d" },
    });
    expect(deposited.body.id).toMatch(/^dep_/);
    const moved = await t.call("POST", "/v1/transfers", {
      key: a.key,
      body: { serials: [iss.serials(6001, 6005)], toOrganizationId: b.id },
    });
    expect(moved.body.id).toMatch(/^trf_/);
    const withdrawn = await t.call("POST", "/v1/withdrawals", {
      key: a.key,
      body: { serials: [iss.serials(6006, 6010)], registryReference: "w" },
    });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(201);
    expect(withdrawn.body.id).toMatch(/^wdr_/);
  });

  it("transfers by allocate the lowest-numbered held units", async () => {
    const { iss, a, b } = await world();
    const r = await t.call("POST", "/v1/transfers", {
      key: a.key,
      body: { allocate: { issuanceId: iss.issuanceId, quantity: 100 }, toOrganizationId: b.id },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ serials: [iss.serials(1, 100)], quantity: 100 });
    expect(r.body.id).toMatch(/^trf_/);
    const hb = await t.call("GET", "/v1/holdings", { key: b.key });
    expect(hb.body.data.map((h: { serials: string }) => h.serials)).toEqual([iss.serials(1, 100)]);
  });

  it("transfers named serials and refuses units the caller does not hold", async () => {
    const { iss, a, b } = await world();
    await give({ iss, a, b }, iss.serials(1, 100), b);
    const ok = await t.call("POST", "/v1/transfers", {
      key: a.key,
      body: { serials: [iss.serials(201, 250), iss.serials(301, 310)], toOrganizationId: b.id },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.quantity).toBe(60);
    const not = await t.call("POST", "/v1/transfers", {
      key: a.key,
      body: { serials: [iss.serials(90, 110)], toOrganizationId: b.id },
    });
    expect(not.status).toBe(409);
    expect(not.body.code).toBe("serials_not_held");
    expect(not.body.conflicts).toEqual([
      expect.objectContaining({ serials: iss.serials(90, 100), holder: b.id, state: "held" }),
    ]);
  });

  it("allocates the numerically lowest units, also where unit numbers change their number of digits", async () => {
    const { b } = await world();
    const small = await t.issue({ project: "MN007", start: 1, end: 200, registryCode: "MN" });
    const holder = await t.org("company", "JP");
    const mn = await t.org("government", "MN");
    await t.call("POST", "/v1/deposits", {
      key: small.registry.key,
      body: { serials: [small.serials(9, 120)], organizationId: holder.id, registryReference: "r" },
    });
    // Authorizing unit 9 alone makes it a segment of its own: held units are 9, 10-99 and 100-120.
    await t.call("POST", "/v1/government-reports", {
      key: mn.key,
      body: { kind: "authorization", year: 2025, serials: [small.serials(9), small.serials(100, 120)], reference: "x" },
    });
    const r = await t.call("POST", "/v1/transfers", {
      key: holder.key,
      body: { allocate: { issuanceId: small.issuanceId, quantity: 95 }, toOrganizationId: b.id },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.serials).toEqual([small.serials(9, 103)]);
  });

  it("refuses a transfer giving both or neither of serials and allocate, or to oneself", async () => {
    const { iss, a, b } = await world();
    const both = await t.call("POST", "/v1/transfers", {
      key: a.key,
      body: {
        serials: [iss.serials(400)],
        allocate: { issuanceId: iss.issuanceId, quantity: 1 },
        toOrganizationId: b.id,
      },
    });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].message).toContain("exactly one of serials or allocate");
    const neither = await t.call("POST", "/v1/transfers", { key: a.key, body: { toOrganizationId: b.id } });
    expect(neither.status).toBe(400);
    const self = await t.call("POST", "/v1/transfers", {
      key: a.key,
      body: { serials: [iss.serials(400)], toOrganizationId: a.id },
    });
    expect(self.status).toBe(422);
    expect(self.body).toMatchObject({
      code: "invalid_recipient",
      detail: "A transfer to the caller itself changes nothing",
    });
    const toGovernment = await t.call("POST", "/v1/transfers", {
      key: a.key,
      body: { serials: [iss.serials(400)], toOrganizationId: mongolia.id },
    });
    expect(toGovernment.body).toMatchObject({
      code: "invalid_holder",
      detail: `toOrganizationId ${mongolia.id} is not a company and cannot hold units`,
    });
    const tooMany = await t.call("POST", "/v1/transfers", {
      key: a.key,
      body: { allocate: { issuanceId: iss.issuanceId, quantity: 1_000_000 }, toOrganizationId: b.id },
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body).toMatchObject({ code: "insufficient_holdings", available: 5000, requested: 1_000_000 });
  });

  it("claims held units (contribution), and the units become claimed for good", async () => {
    const { iss, a, b } = await world();
    await give({ iss, a, b }, iss.serials(1, 100), b);
    const r = await t.call("POST", "/v1/claims", { key: b.key, body: claimBody({ serials: [iss.serials(1, 10)] }) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.stringMatching(/^clm_/),
      claimant: b.id,
      beneficiary: { name: "Kanto Rail Co.", country: "JP" },
      claimType: "contribution",
      serials: [iss.serials(1, 10)],
      quantity: 10,
      hostCountries: ["MN"],
      certificate: { hash: expect.stringMatching(/^[0-9a-f]{64}$/), journalSeq: expect.any(Number) },
    });
    await sealEverything(t.deps);
    const got = await t.call("GET", `/v1/claims/${r.body.id}`);
    expect(got.status).toBe(200);
    const { certificate, ...fields } = got.body;
    expect({ ...fields, certificate: { hash: certificate.hash, journalSeq: certificate.journalSeq } }).toEqual(r.body);
    expect(certificate).toMatchObject({
      entry: { kind: "claim", seq: r.body.certificate.journalSeq },
      root: expect.any(String),
    });
    const status = await t.call("GET", `/v1/status/${iss.serials(5, 15)}`);
    expect(status.body.parts).toEqual([
      expect.objectContaining({ serials: iss.serials(5, 10), state: "claimed", claimId: r.body.id }),
      expect.objectContaining({ serials: iss.serials(11, 15), state: "held", holder: b.id }),
    ]);
    const again = await t.call("POST", "/v1/claims", {
      key: b.key,
      body: claimBody({ serials: [iss.serials(8, 12)] }),
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("serials_already_claimed");
    expect(again.body.conflicts).toEqual([
      expect.objectContaining({ serials: iss.serials(8, 10), state: "claimed", claimId: r.body.id }),
    ]);
  });

  it("refuses compensation on units without authorization and corresponding adjustment", async () => {
    const { iss, a, b } = await world();
    await give({ iss, a, b }, iss.serials(1, 100), b);
    const r = await t.call("POST", "/v1/claims", {
      key: b.key,
      body: claimBody({ claimType: "compensation", reportingYear: 2025, serials: [iss.serials(20, 30)] }),
    });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("compensation_requires_corresponding_adjustment");
    expect(r.body.conflicts).toEqual([
      expect.objectContaining({
        serials: iss.serials(20, 30),
        state: "held",
        authorized: false,
        correspondingAdjustment: false,
        reason: "compensation_requires_corresponding_adjustment",
      }),
    ]);
  });

  it("allows compensation once the host country authorized and adjusted the units", async () => {
    const { iss, a, b } = await world();
    await give({ iss, a, b }, iss.serials(1, 100), b);
    for (const kind of ["authorization", "corresponding_adjustment"]) {
      const rep = await t.call("POST", "/v1/government-reports", {
        key: mongolia.key,
        body: { kind, year: 2025, serials: [iss.serials(20, 25)], reference: `MN-${kind}` },
      });
      expect(rep.status).toBe(201);
      expect(rep.body).toMatchObject({ party: "MN", kind, year: 2025, serials: [iss.serials(20, 25)], quantity: 6 });
    }
    const partly = await t.call("POST", "/v1/claims", {
      key: b.key,
      body: claimBody({ claimType: "compensation", reportingYear: 2025, serials: [iss.serials(20, 30)] }),
    });
    expect(partly.status).toBe(409);
    expect(partly.body.conflicts).toEqual([expect.objectContaining({ serials: iss.serials(26, 30) })]);
    const ok = await t.call("POST", "/v1/claims", {
      key: b.key,
      body: claimBody({ claimType: "compensation", reportingYear: 2025, serials: [iss.serials(20, 25)] }),
    });
    expect(ok.status).toBe(201);
    expect(ok.body.claimType).toBe("compensation");
  });

  it("claims by allocate, and lists claims by claimant, year and host country", async () => {
    const { iss, a } = await world();
    const r = await t.call("POST", "/v1/claims", {
      key: a.key,
      body: claimBody({ allocate: { issuanceId: iss.issuanceId, quantity: 5 } }),
    });
    expect(r.status).toBe(201);
    expect(r.body.serials).toEqual([iss.serials(1, 5)]);
    const more = [];
    for (let i = 0; i < 2; i++) {
      more.push(
        await t.call("POST", "/v1/claims", {
          key: a.key,
          body: claimBody({ allocate: { issuanceId: iss.issuanceId, quantity: 5 } }),
        }),
      );
    }
    expect(more.map((c) => c.body.serials)).toEqual([[iss.serials(6, 10)], [iss.serials(11, 15)]]);
    const year = new Date().getUTCFullYear();
    const mine = await t.call("GET", `/v1/claims?claimant=${a.id}&year=${year}&hostCountry=MN`);
    expect(mine.body.data.map((c: { id: string }) => c.id)).toEqual([
      ...more.map((c) => c.body.id).reverse(),
      r.body.id,
    ]);
    expect((await t.call("GET", `/v1/claims?claimant=${a.id}&year=${year - 5}`)).body.data).toEqual([]);
    expect((await t.call("GET", `/v1/claims?hostCountry=ID`)).body.data).toEqual([]);
    const page1 = await t.call("GET", "/v1/claims?limit=2");
    expect(page1.body.data).toHaveLength(2);
    const page2 = await t.call("GET", `/v1/claims?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data.length).toBeGreaterThan(0);
    expect(page2.body.data[0].id < page1.body.data[1].id).toBe(true);
    expect((await t.call("GET", "/v1/claims?limit=0")).status).toBe(400);
    const unknown = await t.call("GET", "/v1/claims/clm_unknown");
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe("No claim clm_unknown");
  });

  it("allocates across the gaps of a holder's units, and lists exactly one claimant's claims a page at a time", async () => {
    const { iss, a, b } = await world();
    await give({ iss, a, b }, iss.serials(3, 4), b);
    const gapped = await t.call("POST", "/v1/claims", {
      key: a.key,
      body: claimBody({ allocate: { issuanceId: iss.issuanceId, quantity: 5 } }),
    });
    expect(gapped.status, JSON.stringify(gapped.body)).toBe(201);
    expect(gapped.body.serials).toEqual([iss.serials(1, 2), iss.serials(5, 7)]);
    const others = await t.call("POST", "/v1/claims", { key: b.key, body: claimBody({ serials: [iss.serials(3)] }) });
    expect(others.status).toBe(201);
    const second = await t.call("POST", "/v1/claims", {
      key: a.key,
      body: claimBody({ allocate: { issuanceId: iss.issuanceId, quantity: 1 } }),
    });
    expect(second.body.serials).toEqual([iss.serials(8)]);
    const all = await t.call("GET", `/v1/claims?claimant=${a.id}`);
    expect(all.body.data.map((c: { id: string }) => c.id)).toEqual([second.body.id, gapped.body.id]);
    expect(all.body.nextCursor).toBeNull();
    const exact = await t.call("GET", `/v1/claims?claimant=${a.id}&limit=2`);
    expect(exact.body.nextCursor).toBeNull();
    const first = await t.call("GET", `/v1/claims?claimant=${a.id}&limit=1`);
    expect(first.body).toMatchObject({ data: [{ id: second.body.id }], nextCursor: second.body.id });
    const byProject = await t.call("GET", `/v1/claims?claimant=${b.id}&projectRef=${iss.project}`);
    expect(byProject.body.data.map((c: { id: string }) => c.id)).toEqual([others.body.id]);
  });

  it("refuses a claim with bad fields, listing each", async () => {
    const { iss, b } = await world();
    const r = await t.call("POST", "/v1/claims", {
      key: b.key,
      body: {
        serials: ["JCM-JP-MN006-2020-01-5"],
        beneficiary: { name: "", country: "Japan" },
        claimType: "offset",
        purpose: "x",
        period: { start: "2025-13-01", end: "2025-12-31" },
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "beneficiary.country",
      "beneficiary.name",
      "claimType",
      "period.start",
    ]);
    const badSerial = await t.call("POST", "/v1/claims", {
      key: b.key,
      body: claimBody({ serials: ["JCM-JP-MN006-2020-01-5"] }),
    });
    expect(badSerial.status).toBe(400);
    expect(badSerial.body.errors).toEqual([{ path: "serials.0", message: 'start "01" must not have leading zeros' }]);
    const unknown = await t.call("POST", "/v1/claims", {
      key: b.key,
      body: claimBody({ serials: ["JCM-JP-MN006-2019-1-5"] }),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("serials_not_found");
    const overlap = await t.call("POST", "/v1/claims", {
      key: b.key,
      body: claimBody({ serials: [iss.serials(40, 50), iss.serials(45, 46)] }),
    });
    expect(overlap.status).toBe(400);
    expect(overlap.body.errors).toEqual([{ path: "serials.1", message: "overlaps serials.0" }]);
    const reversedPeriod = await t.call("POST", "/v1/claims", {
      key: b.key,
      body: claimBody({ serials: [iss.serials(40)], period: { start: "2025-12-31", end: "2025-01-01" } }),
    });
    expect(reversedPeriod.status).toBe(400);
  });

  it("withdraws: the holder its own units, a registry anyone's; nobody else", async () => {
    const { iss, a, b } = await world();
    await give({ iss, a, b }, iss.serials(40, 41), b);
    const other = await t.call("POST", "/v1/withdrawals", {
      key: a.key,
      body: { serials: [iss.serials(40, 41)], registryReference: "x" },
    });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe("serials_not_held");
    const own = await t.call("POST", "/v1/withdrawals", {
      key: b.key,
      body: { serials: [iss.serials(40, 41)], registryReference: "JP-W-1" },
    });
    expect(own.status).toBe(201);
    const byRegistry = await t.call("POST", "/v1/withdrawals", {
      key: iss.registry.key,
      body: { serials: [iss.serials(4001, 5000)], registryReference: "JP-W-2" },
    });
    expect(byRegistry.status).toBe(201);
    const status = await t.call("GET", `/v1/status/${iss.serials(4000, 5001)}`);
    expect(status.body.parts.map((p: { serials: string; state: string }) => [p.serials, p.state])).toEqual([
      [iss.serials(4000), "held"],
      [iss.serials(4001, 5001), "in_registry"],
    ]);
    expect(
      (await t.call("POST", "/v1/claims", { key: a.key, body: claimBody({ serials: [iss.serials(1, 2)] }) })).status,
    ).toBe(201);
    const claimed = await t.call("POST", "/v1/withdrawals", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 2)], registryReference: "x" },
    });
    expect(claimed.status).toBe(409);
    expect(claimed.body.code).toBe("serials_already_claimed");
  });
});
