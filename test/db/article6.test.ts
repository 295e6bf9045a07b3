import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgError } from "../../api/ledger/store/pg-errors.js";
import { rows } from "../../db/values.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

/**
 * Article 6.2 accounting, one test per rule of ARTICLE6.md, each through the public API. Every
 * test issues its own units (a project of its own under the host Mongolia) so that none depends
 * on another's leftovers.
 */
describe.runIf(databaseAvailable())("Article 6.2: authorizations, first transfers, cancellations", () => {
  let t: TestContext;
  let mongolia: Org;
  let japan: Org;
  let indonesia: Org;
  let company: Org;
  let other: Org;
  beforeAll(async () => {
    t = await testContext();
    mongolia = await t.org("government", "MN");
    japan = await t.org("government", "JP");
    indonesia = await t.org("government", "ID");
    company = await t.org("company", "JP", "Buyer");
    other = await t.org("company", "JP", "Other buyer");
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  /** Units 1..100 of a fresh issuance hosted by Mongolia, 1..50 deposited with `company`. */
  const units = (): Promise<Issued> => t.held(company, { deposited: 50 });
  /** The number in the registry of unit `n` of `iss`. */
  const unitNumber = (iss: Issued, n: number) => Number(iss.serials(n).split("-").at(-1));

  /** Terms of an authorization for NDC use only: no first-transfer definition, no OIMP purposes. */
  const NDC_ONLY = { purposes: ["ndc"], firstTransfer: undefined, oimpPurposes: undefined };
  let refs = 0;
  const authorize = (by: Org, serials: string[], terms: Record<string, unknown> = {}) =>
    t.call("POST", "/v1/authorizations", {
      key: by.key,
      body: {
        reference: `LoA-${++refs}`,
        date: "2025-06-01",
        purposes: ["oimp"],
        firstTransfer: "use_or_cancellation",
        oimpPurposes: ["voluntary"],
        serials,
        ...terms,
      },
    });
  const report = (by: Org, kind: string, serials: string[], extra: Record<string, unknown> = {}) =>
    t.call("POST", "/v1/government-reports", {
      key: by.key,
      body: { kind, year: 2025, serials, reference: `${kind}-${++refs}`, ...extra },
    });
  const claim = (by: Org, serials: string[], claimType = "compensation") =>
    t.call("POST", "/v1/claims", {
      key: by.key,
      body: {
        serials,
        beneficiary: { name: "Beneficiary", country: "JP" },
        claimType,
        purpose: "Offset",
        period: { start: "2025-01-01", end: "2025-12-31" },
        ...(claimType === "compensation" ? { reportingYear: 2025 } : {}),
      },
    });
  const parts = async (serials: string) => (await t.call("GET", `/v1/status/${serials}`)).body.parts;

  describe("rule 1: who authorizes what, and versions", () => {
    it("lets the host or Japan authorize units of a JCM project, and no other Party", async () => {
      const iss = await units();
      expect((await authorize(indonesia, [iss.serials(1, 10)])).status).toBe(403);
      const byJapan = await authorize(japan, [iss.serials(1, 10)], NDC_ONLY);
      expect(byJapan.status, JSON.stringify(byJapan.body)).toBe(201);
      const byHost = await authorize(mongolia, [iss.serials(11, 20)]);
      expect(byHost.status).toBe(201);
      expect(byHost.body).toMatchObject({
        party: "MN",
        version: 1,
        purposes: ["oimp"],
        firstTransfer: "use_or_cancellation",
        authorizedParties: ["JP"],
        serials: [iss.serials(11, 20)],
        quantity: 10,
      });
      expect((await t.call("GET", `/v1/authorizations/${byHost.body.id}`)).body).toEqual(byHost.body);
    });

    it("refuses terms that contradict each other: OIMP without a first-transfer definition, or one without OIMP", async () => {
      const iss = await units();
      const noDefinition = await authorize(mongolia, [iss.serials(1, 5)], { firstTransfer: undefined });
      expect(noDefinition.status).toBe(400);
      expect(noDefinition.body.errors).toEqual([expect.objectContaining({ path: "firstTransfer" })]);
      const notOimp = await authorize(mongolia, [iss.serials(1, 5)], { purposes: ["ndc"] });
      expect(notOimp.status).toBe(400);
      const unknownEntity = await authorize(mongolia, [iss.serials(1, 5)], { authorizedEntities: ["org_nobody"] });
      expect(unknownEntity.status).toBe(400);
      expect((await parts(iss.serials(1, 5)))[0].authorization).toBeNull();
    });

    it("names each contradiction of the terms, all at once", async () => {
      const iss = await units();
      const contradictions = await authorize(mongolia, [iss.serials(1, 5)], {
        purposes: ["ndc"],
        oimpPurposes: ["voluntary"],
        timeframe: { start: "2030-01-01", end: "2029-12-31" },
      });
      expect(contradictions.status).toBe(400);
      expect(contradictions.body.errors).toEqual([
        { path: "firstTransfer", message: "only an authorization for OIMP defines its first transfer" },
        { path: "oimpPurposes", message: "OIMP purposes need the purpose oimp" },
        { path: "timeframe", message: "the timeframe starts after it ends" },
      ]);
      const oneDay = await authorize(mongolia, [iss.serials(1, 5)], {
        ...NDC_ONLY,
        timeframe: { start: "2030-01-01", end: "2030-01-01" },
      });
      expect(oneDay.status, JSON.stringify(oneDay.body)).toBe(201);
      const noDefinition = await authorize(mongolia, [iss.serials(6, 10)], { firstTransfer: undefined });
      expect(noDefinition.body.errors).toEqual([
        { path: "firstTransfer", message: "an authorization for OIMP must define its first transfer" },
      ]);
      const unknownEntity = await authorize(mongolia, [iss.serials(6, 10)], { authorizedEntities: ["org_nobody"] });
      expect(unknownEntity.body.errors).toEqual([
        { path: "authorizedEntities", message: "no organization org_nobody" },
      ]);
      const foreign = await authorize(indonesia, [iss.serials(6, 10)]);
      expect(foreign.status).toBe(403);
      expect(foreign.body.detail).toBe(
        `Only Japan or the host country may report an authorization on units of ${iss.project}; ID is not`,
      );
    });

    it("refuses report fields that belong to another kind of report, naming each", async () => {
      const iss = await units();
      const misplaced = await report(mongolia, "corresponding_adjustment", [iss.serials(1, 5)], {
        acquiringParty: "JP",
        purpose: "voluntary",
      });
      expect(misplaced.status).toBe(400);
      expect(misplaced.body.errors).toEqual([
        { path: "acquiringParty", message: "only a first transfer names an acquiring Party" },
        { path: "purpose", message: "only a cancellation has a purpose" },
      ]);
      const missing = await report(mongolia, "cancellation", [iss.serials(1, 5)]);
      expect(missing.body.errors).toEqual([{ path: "purpose", message: "a cancellation is voluntary or for OMGE" }]);
      const elsewhere = await report(mongolia, "first_transfer", [iss.serials(1, 5)], { acquiringParty: "KR" });
      expect(elsewhere.body.errors).toEqual([
        { path: "acquiringParty", message: "a first transfer of JCM units goes to JP" },
      ]);
      // Only Japan's NDC use is checked for consistency with the host's reports.
      const hostUse = await report(mongolia, "ndc_use", [iss.serials(60, 62)]);
      expect(hostUse.status, JSON.stringify(hostUse.body)).toBe(201);
      expect(hostUse.body).not.toHaveProperty("consistency");
    });

    it("states the version a conflicting version number should have been, and Japan authorizes no other Party", async () => {
      const iss = await units();
      const early = await authorize(japan, [iss.serials(1, 5)], { ...NDC_ONLY, reference: "LoA-JP-early", version: 2 });
      expect(early.status).toBe(409);
      expect(early.body.detail).toBe("Authorization LoA-JP-early of JP does not exist yet; its first version is 1");
      const v1 = await authorize(japan, [iss.serials(1, 5)], { ...NDC_ONLY, reference: "LoA-JP-early" });
      expect(v1.status).toBe(201);
      expect(v1.body.authorizedParties).toEqual([]);
      const skipped = await authorize(japan, [iss.serials(1, 5)], {
        ...NDC_ONLY,
        reference: "LoA-JP-early",
        version: 3,
      });
      expect(skipped.body.detail).toBe("Authorization LoA-JP-early of JP is at version 1; the next version is 2");
      // The first version narrows nothing; a version that leaves units out records it in the journal.
      const kinds = async () =>
        rows(
          t.database.db,
          sql`SELECT kind, details->>'version' AS version FROM journal
              WHERE details->>'authorizationId' = ${v1.body.id} ORDER BY seq`,
        );
      expect(await kinds()).toEqual([{ kind: "authorization.version", version: "1" }]);
      expect((await authorize(japan, [iss.serials(1, 3)], { ...NDC_ONLY, reference: "LoA-JP-early" })).status).toBe(
        201,
      );
      expect(await kinds()).toEqual([
        { kind: "authorization.version", version: "1" },
        { kind: "authorization.version", version: "2" },
        { kind: "authorization.narrowed", version: "2" },
      ]);
    });

    it("keeps every version readable; a new version narrows or widens only units not yet first transferred", async () => {
      const iss = await units();
      const v1 = await authorize(mongolia, [iss.serials(1, 20)]);
      expect(v1.status).toBe(201);
      const reference = v1.body.reference;
      await report(mongolia, "corresponding_adjustment", [iss.serials(1, 20)]);
      expect((await claim(company, [iss.serials(1, 5)])).status).toBe(201);
      const dropsTransferred = await authorize(mongolia, [iss.serials(6, 30)], { reference });
      expect(dropsTransferred.status).toBe(409);
      expect(dropsTransferred.body.code).toBe("serials_first_transferred");
      expect(dropsTransferred.body.conflicts).toEqual([
        expect.objectContaining({ serials: iss.serials(1, 5), firstTransferred: true }),
      ]);
      const wrongVersion = await authorize(mongolia, [iss.serials(1, 30)], { reference, version: 3 });
      expect(wrongVersion.status).toBe(409);
      expect(wrongVersion.body.code).toBe("authorization_version_conflict");
      const v2 = await authorize(mongolia, [iss.serials(1, 10), iss.serials(21, 30)], { reference, version: 2 });
      expect(v2.status, JSON.stringify(v2.body)).toBe(201);
      expect(v2.body.id).toBe(v1.body.id);
      expect(v2.body.versions.map((v: { version: number; quantity: number }) => [v.version, v.quantity])).toEqual([
        [1, 20],
        [2, 20],
      ]);
      const after = await parts(iss.serials(1, 30));
      expect(
        after.map((p: { serials: string; authorization: { id: string } | null }) => [
          p.serials,
          p.authorization?.id ?? null,
        ]),
      ).toEqual([
        [iss.serials(1, 5), v1.body.id],
        [iss.serials(6, 10), v1.body.id],
        [iss.serials(11, 20), null],
        [iss.serials(21, 30), v1.body.id],
      ]);
    });

    it("refuses another authorization of units already first transferred under one", async () => {
      const iss = await units();
      expect((await authorize(mongolia, [iss.serials(51, 60)], { firstTransfer: "authorization" })).status).toBe(201);
      const again = await authorize(mongolia, [iss.serials(55, 65)], NDC_ONLY);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe("serials_first_transferred");
      expect(again.body.conflicts).toEqual([expect.objectContaining({ serials: iss.serials(55, 60) })]);
    });
  });

  it("lists a Party's authorizations dated in a year, newest first, a page at a time", async () => {
    const iss = await units();
    const dated = async (date: string, from: number) => {
      const a = await authorize(japan, [iss.serials(from, from + 4)], { ...NDC_ONLY, date });
      expect(a.status).toBe(201);
      return a.body.id as string;
    };
    const ids = [await dated("2031-02-01", 61), await dated("2031-05-01", 66), await dated("2032-01-01", 71)];
    const first = await t.call("GET", "/v1/authorizations?party=JP&year=2031&limit=1");
    expect(first.body.data.map((a: { id: string }) => a.id)).toEqual([ids[1]]);
    const second = await t.call("GET", `/v1/authorizations?party=JP&year=2031&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((a: { id: string }) => a.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
    const other = await t.call("GET", "/v1/authorizations?party=MN&year=2032");
    expect(other.body.data).toEqual([]);
    expect((await t.call("GET", "/v1/authorizations/auz_nothing")).status).toBe(404);
  });

  describe("rule 2: compensation needs the host's OIMP authorization and its adjustment", () => {
    it("refuses compensation on units the host authorized for NDC use only, naming them", async () => {
      const iss = await units();
      expect((await authorize(mongolia, [iss.serials(1, 10)], NDC_ONLY)).status).toBe(201);
      expect((await report(mongolia, "corresponding_adjustment", [iss.serials(1, 10)])).status).toBe(201);
      const r = await claim(company, [iss.serials(1, 10)]);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe("authorization_purpose_mismatch");
      expect(r.body.conflicts).toEqual([expect.objectContaining({ serials: iss.serials(1, 10), authorized: true })]);
      expect((await claim(company, [iss.serials(1, 10)], "contribution")).status).toBe(201);
    });

    it("refuses compensation on OIMP units without the corresponding adjustment, or authorized by Japan only", async () => {
      const iss = await units();
      expect((await authorize(mongolia, [iss.serials(1, 10)])).status).toBe(201);
      expect((await authorize(japan, [iss.serials(11, 20)])).status).toBe(201);
      expect((await report(mongolia, "corresponding_adjustment", [iss.serials(11, 20)])).status).toBe(201);
      for (const serials of [iss.serials(1, 10), iss.serials(11, 20)]) {
        const r = await claim(company, [serials]);
        expect(r.status, serials).toBe(409);
        expect(r.body.code).toBe("compensation_requires_corresponding_adjustment");
      }
      expect((await report(mongolia, "corresponding_adjustment", [iss.serials(1, 10)])).status).toBe(201);
      expect((await claim(company, [iss.serials(1, 10)])).status).toBe(201);
    });

    it("lets only the authorized entities make OIMP uses of units whose authorization names them", async () => {
      const iss = await units();
      const give = await t.call("POST", "/v1/transfers", {
        key: company.key,
        body: { serials: [iss.serials(41, 50)], toOrganizationId: other.id },
      });
      expect(give.status).toBe(201);
      expect((await authorize(mongolia, [iss.serials(31, 50)], { authorizedEntities: [company.id] })).status).toBe(201);
      expect((await report(mongolia, "corresponding_adjustment", [iss.serials(31, 50)])).status).toBe(201);
      const refused = await claim(other, [iss.serials(41, 50)]);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe("entity_not_authorized");
      expect(refused.body.conflicts).toEqual([expect.objectContaining({ serials: iss.serials(41, 50) })]);
      expect((await claim(other, [iss.serials(41, 50)], "contribution")).status).toBe(201);
      expect((await claim(company, [iss.serials(31, 40)])).status).toBe(201);
    });
  });

  describe("rule 3: a first transfer happens once", () => {
    it("at authorization, where the authorization defines it so", async () => {
      const iss = await units();
      expect((await authorize(mongolia, [iss.serials(51, 60)], { firstTransfer: "authorization" })).status).toBe(201);
      expect((await parts(iss.serials(51, 60)))[0].authorization).toMatchObject({ firstTransferred: true });
    });

    it("at the compensation claim (use), where the authorization defines it so; not at a contribution claim", async () => {
      const iss = await units();
      expect((await authorize(mongolia, [iss.serials(1, 20)])).status).toBe(201);
      expect((await report(mongolia, "corresponding_adjustment", [iss.serials(1, 20)])).status).toBe(201);
      expect((await claim(company, [iss.serials(1, 10)])).status).toBe(201);
      expect((await claim(company, [iss.serials(11, 20)], "contribution")).status).toBe(201);
      const shown = await parts(iss.serials(1, 20));
      expect(
        shown.map((p: { authorization: { firstTransferred: boolean } }) => p.authorization.firstTransferred),
      ).toEqual([true, false]);
    });

    it("by the host's report of the transfer to Japan, once; never by Japan, never of unauthorized units", async () => {
      const iss = await units();
      expect((await authorize(mongolia, [iss.serials(51, 70)], NDC_ONLY)).status).toBe(201);
      expect((await report(japan, "first_transfer", [iss.serials(51, 60)], { acquiringParty: "JP" })).status).toBe(403);
      expect((await report(mongolia, "first_transfer", [iss.serials(51, 60)], { acquiringParty: "KR" })).status).toBe(
        400,
      );
      const first = await report(mongolia, "first_transfer", [iss.serials(51, 60)], { acquiringParty: "JP" });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toMatchObject({ kind: "first_transfer", acquiringParty: "JP", quantity: 10 });
      const twice = await report(mongolia, "first_transfer", [iss.serials(55, 65)], { acquiringParty: "JP" });
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe("serials_first_transferred");
      expect(twice.body.conflicts).toEqual([expect.objectContaining({ serials: iss.serials(55, 60) })]);
      const unauthorized = await report(mongolia, "first_transfer", [iss.serials(71, 80)], { acquiringParty: "JP" });
      expect(unauthorized.status).toBe(409);
      expect(unauthorized.body.code).toBe("serials_not_authorized");
    });
  });

  describe("rule 4: NDC use", () => {
    it("accepts Japan's use of units lacking an NDC authorization or a first transfer, with a consistency finding", async () => {
      const iss = await units();
      const bare = await report(japan, "ndc_use", [iss.serials(51, 55)]);
      expect(bare.status).toBe(201);
      expect(bare.body.consistency).toEqual(["not_authorized_for_ndc", "not_first_transferred"]);
      expect((await authorize(mongolia, [iss.serials(56, 65)], NDC_ONLY)).status).toBe(201);
      const notTransferred = await report(japan, "ndc_use", [iss.serials(56, 60)]);
      expect(notTransferred.body.consistency).toEqual(["not_first_transferred"]);
      expect((await report(mongolia, "first_transfer", [iss.serials(61, 65)], { acquiringParty: "JP" })).status).toBe(
        201,
      );
      const consistent = await report(japan, "ndc_use", [iss.serials(61, 65)]);
      expect(consistent.status).toBe(201);
      expect(consistent.body.consistency).toEqual([]);
    });

    it("still refuses the host's own NDC use of units it adjusted", async () => {
      const iss = await units();
      expect((await report(mongolia, "corresponding_adjustment", [iss.serials(51, 60)])).status).toBe(201);
      const r = await report(mongolia, "ndc_use", [iss.serials(51, 60)]);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe("serials_correspondingly_adjusted");
      expect(r.body.consistency).toBeUndefined();
    });
  });

  describe("rule 5: cancellations are terminal uses", () => {
    it("a cancelled unit can never be claimed, counted, moved or cancelled again", async () => {
      const iss = await units();
      expect((await report(mongolia, "cancellation", [iss.serials(51, 60)])).status).toBe(400);
      const c = await report(mongolia, "cancellation", [iss.serials(51, 60)], { purpose: "omge" });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      expect(c.body).toMatchObject({ kind: "cancellation", purpose: "omge", quantity: 10 });
      expect((await parts(iss.serials(51, 60)))[0]).toMatchObject({ state: "cancelled", reportId: c.body.id });
      for (const [name, r] of [
        ["ndc use", await report(japan, "ndc_use", [iss.serials(55, 56)])],
        ["cancellation", await report(japan, "cancellation", [iss.serials(60, 61)], { purpose: "voluntary" })],
        [
          "deposit",
          await t.call("POST", "/v1/deposits", {
            key: iss.registry.key,
            body: { serials: [iss.serials(58)], organizationId: company.id, registryReference: "r" },
          }),
        ],
      ] as const) {
        expect(r.status, name).toBe(409);
        expect(r.body.code, name).toBe("serials_cancelled");
      }
      const held = await report(mongolia, "cancellation", [iss.serials(1, 5)], { purpose: "voluntary" });
      expect(held.status).toBe(409);
      expect(held.body.code).toBe("serials_in_voluntary_use");
    });

    it("the database refuses a claim over cancelled units even when the domain code is bypassed", async () => {
      const iss = await units();
      const c = await report(japan, "cancellation", [iss.serials(51, 60)], { purpose: "voluntary" });
      expect(c.status).toBe(201);
      let error: unknown;
      try {
        await t.database.db.execute(
          sql`INSERT INTO use_ranges (issuance_id, serials, claim_id) VALUES (${iss.id}, int8range(${BigInt(unitNumber(iss, 55))}, ${BigInt(unitNumber(iss, 56))}), 'clm_bypass')`,
        );
      } catch (e) {
        error = e;
      }
      expect(pgError(error)).toMatchObject({ code: "23P01", constraint: "use_ranges_no_overlap" });
    });
  });

  describe("rule 6: everything is a journal entry", () => {
    it("shows authorizations, first transfers and cancellations in the units' provenance", async () => {
      const iss = await units();
      expect((await authorize(mongolia, [iss.serials(51, 60)], NDC_ONLY)).status).toBe(201);
      expect((await report(mongolia, "first_transfer", [iss.serials(51, 60)], { acquiringParty: "JP" })).status).toBe(
        201,
      );
      expect((await report(japan, "cancellation", [iss.serials(51, 60)], { purpose: "voluntary" })).status).toBe(201);
      const p = await t.call("GET", `/v1/provenance/${iss.serials(51, 60)}`);
      expect(p.status).toBe(200);
      const kinds = (p.body.events as { kind: string }[]).map((e) => e.kind);
      expect(kinds).toEqual(
        expect.arrayContaining([
          "authorization.version",
          "government_report.first_transfer",
          "government_report.cancellation",
        ]),
      );
    });
  });

  it("describes every new path, its parameters and its answers in the OpenAPI document", async () => {
    const doc = (await t.call("GET", "/openapi.json")).body;
    const codes = (path: string, method: string) => Object.keys(doc.paths[path]?.[method]?.responses ?? {}).sort();
    expect(codes("/v1/cooperative-approaches/{partner}", "put")).toEqual(
      ["200", "400", "401", "403", "409", "413", "415", "429", "503"].sort(),
    );
    expect(codes("/v1/cooperative-approaches", "get")).toEqual(["200", "429", "503"]);
    expect(codes("/v1/authorizations", "post")).toEqual(
      ["201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "503"].sort(),
    );
    expect(codes("/v1/authorizations", "get")).toEqual(["200", "400", "429", "503"]);
    expect(codes("/v1/authorizations/{id}", "get")).toEqual(["200", "404", "429", "503"]);
    expect(codes("/v1/article6/aef", "get")).toEqual(["200", "400", "422", "429", "503"]);
    expect(Object.keys(doc.paths["/v1/article6/aef"].get.responses["200"].content).sort()).toEqual([
      "application/json",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "text/csv",
    ]);
    const statusParams = doc.paths["/v1/status/{serials}"].get.parameters.map((p: { name: string }) => p.name);
    expect(statusParams).toContain("at");
    expect(codes("/v1/status/{serials}", "get")).toContain("422");
    const kinds =
      doc.paths["/v1/government-reports"].post.requestBody.content["application/json"].schema.properties.kind.enum;
    expect(kinds).toEqual(["ndc_use", "authorization", "corresponding_adjustment", "first_transfer", "cancellation"]);
  });

  describe("cooperative approaches and ITMO ids", () => {
    it("only an admin sets an approach; its id is a UNFCCC identifier, one per partner", async () => {
      const put = (key: string, partner: string, id: string) =>
        t.call("PUT", `/v1/cooperative-approaches/${partner}`, { key, body: { id, name: `JCM Japan–${partner}` } });
      expect((await put(mongolia.key, "MN", "CA0001")).status).toBe(403);
      expect((await put(t.admin.key, "MN", "X1")).status).toBe(400);
      const japanItself = await put(t.admin.key, "JP", "CA0009");
      expect(japanItself.status).toBe(400);
      expect(japanItself.body.errors).toEqual([
        { path: "partner", message: "a JCM cooperative approach pairs Japan with a partner country" },
      ]);
      expect((await put(t.admin.key, "MN", "CA0001")).status).toBe(200);
      const taken = await put(t.admin.key, "VN", "CA0001");
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe("cooperative_approach_id_taken");
      expect(taken.body.detail).toBe("CA0001 already identifies the approach with MN");
      const journaled = await rows(
        t.database.db,
        sql`SELECT chain, serials, details FROM journal
            WHERE kind = 'cooperative_approach.set' AND details->>'name' = ${"JCM Japan–MN"}`,
      );
      expect(journaled).toEqual([
        { chain: "ca:MN", serials: [], details: { partner: "MN", id: "CA0001", name: "JCM Japan–MN" } },
      ]);
      const list = await t.call("GET", "/v1/cooperative-approaches");
      expect(list.body.data).toEqual([expect.objectContaining({ partner: "MN", id: "CA0001" })]);
    });

    it("shows the ITMO ids of authorized units of an approach in their status", async () => {
      await t.call("PUT", "/v1/cooperative-approaches/MN", { key: t.admin.key, body: { id: "CA0001", name: "JCM" } });
      const iss = await units();
      const a = await authorize(mongolia, [iss.serials(51, 60)]);
      expect(a.body.cooperativeApproachId).toBe("CA0001");
      const [part, unauthorized] = await parts(iss.serials(51, 61));
      const first = unitNumber(iss, 51);
      expect(part.itmo).toEqual({
        firstId: `CA0001-JP-MN-2020-${iss.project}-${first}`,
        lastId: `CA0001-JP-MN-2020-${iss.project}-${first + 9}`,
      });
      expect(unauthorized.itmo).toBeNull();
      expect((await report(mongolia, "corresponding_adjustment", [iss.serials(1, 10)])).status).toBe(201);
      expect((await authorize(mongolia, [iss.serials(1, 5)])).status).toBe(201);
      const c = await claim(company, [iss.serials(1, 5)]);
      expect(c.status).toBe(201);
      const base = unitNumber(iss, 1) - 1;
      expect(c.body.itmos).toEqual([
        {
          serials: iss.serials(1, 5),
          firstId: `CA0001-JP-MN-2020-${iss.project}-${base + 1}`,
          lastId: `CA0001-JP-MN-2020-${iss.project}-${base + 5}`,
        },
      ]);
      expect((await t.call("GET", `/v1/claims/${c.body.id}`)).body.itmos).toEqual(c.body.itmos);
      const listed = await t.call("GET", `/v1/claims?claimant=${company.id}&limit=500`);
      expect(listed.body.data.find((x: { id: string }) => x.id === c.body.id).itmos).toEqual(c.body.itmos);
      const plain = await claim(company, [iss.serials(6, 10)], "contribution");
      expect(plain.body.itmos).toEqual([]);
    });
  });
});
