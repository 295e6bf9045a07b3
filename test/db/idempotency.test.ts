import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

describe.runIf(databaseAvailable())("Idempotency-Key", () => {
  let t: TestContext;
  let iss: Issued;
  let company: Org;
  const claim = (serials: string[], purpose = "Offset") => ({
    serials,
    beneficiary: { name: "B", country: "JP" },
    claimType: "contribution",
    purpose,
    period: { start: "2025-01-01", end: "2025-12-31" },
  });
  beforeAll(async () => {
    t = await testContext();
    iss = await t.issue({ start: 1, end: 1000 });
    company = await t.org("company", "JP");
    await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 1000)], organizationId: company.id, registryReference: "r" },
    });
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("replays the first answer for the same key and body, without a second claim", async () => {
    const headers = { "idempotency-key": "claim-0001" };
    const first = await t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(1, 10)]), headers });
    const second = await t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(1, 10)]), headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const list = await t.call("GET", `/v1/claims?claimant=${company.id}`);
    expect(list.body.data).toHaveLength(1);
  });

  it("treats the same JSON with other key order or spacing as the same body", async () => {
    const headers = { "idempotency-key": "claim-0002" };
    const body = claim([iss.serials(11, 12)]);
    const first = await t.call("POST", "/v1/claims", { key: company.key, body, headers });
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2);
    const second = await t.call("POST", "/v1/claims", { key: company.key, body: reordered, headers });
    expect(second.body).toEqual(first.body);
  });

  it("refuses the same key with a different body (422 idempotency_key_reused)", async () => {
    const headers = { "idempotency-key": "claim-0003" };
    expect(
      (await t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(20, 21)]), headers })).status,
    ).toBe(201);
    const r = await t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(22, 23)]), headers });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe("idempotency_key_reused");
    expect((await t.call("GET", `/v1/status/${iss.serials(22, 23)}`)).body.parts[0].state).toBe("held");
  });

  it("replays a refusal as a refusal: same status and body, even after the state changed", async () => {
    const headers = { "idempotency-key": "claim-0004" };
    const refused = await t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(1, 2)]), headers });
    expect(refused.status).toBe(409);
    const replay = await t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(1, 2)]), headers });
    expect(replay.status).toBe(409);
    expect(replay.body).toEqual(refused.body);
  });

  it("scopes keys per API key: another key may use the same Idempotency-Key", async () => {
    const other = await t.org("company", "JP");
    const moved = await t.call("POST", "/v1/transfers", {
      key: company.key,
      body: { serials: [iss.serials(900, 910)], toOrganizationId: other.id },
    });
    expect(moved.status).toBe(201);
    const headers = { "idempotency-key": "claim-0001" };
    const r = await t.call("POST", "/v1/claims", { key: other.key, body: claim([iss.serials(900, 901)]), headers });
    expect(r.status).toBe(201);
    expect(r.body.claimant).toBe(other.id);
  });

  it("runs concurrent requests with one key exactly once", async () => {
    const headers = { "idempotency-key": "claim-concurrent" };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.call("POST", "/v1/claims", { key: company.key, body: claim([iss.serials(300, 309)]), headers }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
  });

  it("validates the key: 1 to 255 characters", async () => {
    const r = await t.call("POST", "/v1/claims", {
      key: company.key,
      body: claim([iss.serials(400)]),
      headers: { "idempotency-key": "k".repeat(256) },
    });
    expect(r.status).toBe(400);
  });
});
