import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryHash, GENESIS_HASH } from "../../api/ledger/journal/journal.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

describe.runIf(databaseAvailable())("status and provenance", () => {
  let t: TestContext;
  let iss: Issued;
  let other: Issued;
  let company: Org;
  let claimId: string;
  beforeAll(async () => {
    t = await testContext();
    iss = await t.issue({ project: "ID023", hostCountry: "ID", start: 1001, end: 2000, vintage: 2022 });
    other = await t.issue({
      project: "CR001",
      hostCountry: "CR",
      start: 1,
      end: 50,
      vintage: 2021,
      registryCode: "CR",
    });
    company = await t.org("company", "JP");
    await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1101, 1200)], organizationId: company.id, registryReference: "r-1" },
    });
    const c = await t.call("POST", "/v1/claims", {
      key: company.key,
      body: {
        serials: [iss.serials(1101, 1110)],
        beneficiary: { name: "B", country: "JP" },
        claimType: "contribution",
        purpose: "p",
        period: { start: "2025-01-01", end: "2025-12-31" },
      },
    });
    claimId = c.body.id;
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("splits a range into parts wherever state, holder or claim changes", async () => {
    const r = await t.call("GET", `/v1/status/${iss.serials(1050, 1250)}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      serials: iss.serials(1050, 1250),
      quantity: 201,
      doubleCounted: false,
      parts: [
        {
          serials: iss.serials(1050, 1100),
          quantity: 51,
          state: "in_registry",
          authorized: false,
          authorization: null,
          itmo: null,
          correspondingAdjustment: false,
        },
        {
          serials: iss.serials(1101, 1110),
          quantity: 10,
          state: "claimed",
          holder: company.id,
          claimId,
          authorized: false,
          authorization: null,
          itmo: null,
          correspondingAdjustment: false,
        },
        {
          serials: iss.serials(1111, 1200),
          quantity: 90,
          state: "held",
          holder: company.id,
          authorized: false,
          authorization: null,
          itmo: null,
          correspondingAdjustment: false,
        },
        {
          serials: iss.serials(1201, 1250),
          quantity: 50,
          state: "in_registry",
          authorized: false,
          authorization: null,
          itmo: null,
          correspondingAdjustment: false,
        },
      ],
      nextCursor: null,
    });
  });

  it("answers 400 for a malformed range and 404 for units of no issuance, each with the reason", async () => {
    const bad = await t.call("GET", "/v1/status/JCM-JP-ID023-2022-0100");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toContain("leading zeros");
    const beyond = await t.call("GET", `/v1/status/${iss.serials(1990, 2010)}`);
    expect(beyond.status).toBe(404);
    expect(beyond.body.detail).toContain("extend beyond issuance");
    const project = await t.call("GET", "/v1/status/JCM-JP-ID024-2022-1500");
    expect(project.body.detail).toContain("belong to project ID023, not ID024");
    const nothing = await t.call("GET", "/v1/status/JCM-JP-ID023-2022-999999");
    expect(nothing.body.detail).toContain("no issuance in registry JP contains unit 999999");
    const encoded = await t.call("GET", `/v1/status/${encodeURIComponent("JCM-JP-ID023-2022-1%00")}`);
    expect(encoded.status).toBe(400);
  });

  it("answers a batch in order, one result per entry, bad entries failing alone", async () => {
    const r = await t.call("POST", "/v1/status", {
      body: { serials: [other.serials(1, 50), "nonsense", iss.serials(1105), "JCM-XX-ID023-2022-1"] },
    });
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(4);
    expect(r.body.results[0]).toMatchObject({ serials: other.serials(1, 50), quantity: 50, doubleCounted: false });
    expect(r.body.results[1]).toMatchObject({
      serials: "nonsense",
      status: 400,
      error: 'serials must start with "JCM-"',
    });
    expect(r.body.results[2].parts).toEqual([expect.objectContaining({ state: "claimed", claimId })]);
    expect(r.body.results[3]).toMatchObject({ status: 404 });
    expect((await t.call("POST", "/v1/status", { body: { serials: [] } })).status).toBe(400);
    const big = await t.call("POST", "/v1/status", {
      body: { serials: Array.from({ length: 2000 }, (_, i) => iss.serials(1001 + (i % 1000))) },
    });
    expect(big.status).toBe(200);
    expect(big.body.results).toHaveLength(2000);
  });

  it("lists every event that touched the units, oldest first, with a verifiable hash chain", async () => {
    const r = await t.call("GET", `/v1/provenance/${iss.serials(1105)}`);
    expect(r.status).toBe(200);
    expect(r.body.events.map((e: { kind: string }) => e.kind)).toEqual(["issuance.created", "deposit", "claim"]);
    const [created, deposit, claimed] = r.body.events;
    expect(created.prevHash).toBe(GENESIS_HASH);
    expect(deposit.prevHash).toBe(created.hash);
    expect(claimed.prevHash).toBe(deposit.hash);
    expect(claimed.details).toMatchObject({ claimId, claimant: company.id, quantity: 10 });
    for (const e of r.body.events) {
      expect(entryHash({ ...e, seq: BigInt(e.seq), at: new Date(e.at) })).toBe(e.hash);
    }
    const claim = await t.call("GET", `/v1/claims/${claimId}`);
    expect(claim.body.certificate).toMatchObject({ hash: claimed.hash, journalSeq: claimed.seq });
    const untouched = await t.call("GET", `/v1/provenance/${iss.serials(1900)}`);
    expect(untouched.body.events.map((e: { kind: string }) => e.kind)).toEqual(["issuance.created"]);
    const paged = await t.call("GET", `/v1/provenance/${iss.serials(1105)}?limit=2`);
    expect(paged.body.events).toHaveLength(2);
    const rest = await t.call("GET", `/v1/provenance/${iss.serials(1105)}?limit=2&cursor=${paged.body.nextCursor}`);
    expect(rest.body.events.map((e: { kind: string }) => e.kind)).toEqual(["claim"]);
  });

  it("serves the OpenAPI document generated from the route schemas, and the API reference page", async () => {
    const doc = await t.call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    for (const path of [
      "/v1/organizations",
      "/v1/organizations/{id}/keys",
      "/v1/keys/{id}",
      "/v1/me",
      "/v1/projects",
      "/v1/projects/{ref}",
      "/v1/issuances",
      "/v1/issuances/import",
      "/v1/issuances/{id}",
      "/v1/deposits",
      "/v1/withdrawals",
      "/v1/holdings",
      "/v1/transfers",
      "/v1/claims",
      "/v1/claims/{id}",
      "/v1/government-reports",
      "/v1/status/{serials}",
      "/v1/status",
      "/v1/provenance/{serials}",
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    expect(doc.body.paths["/v1/claims"].post.responses).toHaveProperty("409");
    // Every operation declares the answers any request may get: a rate limit and an unavailable database.
    for (const [path, operations] of Object.entries(
      doc.body.paths as Record<string, Record<string, { responses: object }>>,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["429", "503"]));
      }
    }
    const docs = await t.app.request("/docs");
    expect(docs.headers.get("content-type")).toContain("text/html");
    const html = await docs.text();
    expect(html).toContain("/v1/government-reports");
    expect(html).toContain('lang="en"');
  });

  it("suggests on the home page units the ledger holds, which the serials page shows", async () => {
    const home = await t.call("GET", "/");
    const example = /For example <a href="\/serials\/([^"]+)"/.exec(home.body as string)?.[1];
    expect(example).toBe(iss.serials(1001, 1100));
    expect((await t.call("GET", `/serials/${example}`)).status).toBe(200);
  });
});
