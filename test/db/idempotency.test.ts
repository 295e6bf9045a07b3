import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppEnv } from "../../api/http/env.js";
import { idempotency } from "../../api/http/idempotency.js";
import { onError } from "../../api/http/problem.js";
import { rows } from "../../db/values.js";
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
    // One claim on those units, not two: the replay claimed nothing.
    const status = await t.call("GET", `/v1/status/${iss.serials(1, 10)}`);
    expect(status.body.parts).toEqual([expect.objectContaining({ state: "claimed", claimId: first.body.id })]);
    const list = await t.call("GET", `/v1/claims?claimant=${company.id}&limit=500`);
    expect(list.body.data.filter((c: { serials: string[] }) => c.serials.includes(iss.serials(1, 10)))).toHaveLength(1);
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
    const other = await t.org("company", "JP");
    const lend = (from: Org, to: Org) =>
      t.call("POST", "/v1/transfers", {
        key: from.key,
        body: { serials: [iss.serials(40, 41)], toOrganizationId: to.id },
      });
    expect((await lend(company, other)).status).toBe(201);
    const refused = await t.call("POST", "/v1/claims", {
      key: company.key,
      body: claim([iss.serials(40, 41)]),
      headers,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("serials_not_held");
    // The units come back: a new request could claim them now, the replay still answers the refusal.
    expect((await lend(other, company)).status).toBe(201);
    const replay = await t.call("POST", "/v1/claims", {
      key: company.key,
      body: claim([iss.serials(40, 41)]),
      headers,
    });
    expect(replay.status).toBe(409);
    expect(replay.body).toEqual(refused.body);
    expect((await t.call("GET", `/v1/status/${iss.serials(40, 41)}`)).body.parts[0]).toMatchObject({
      state: "held",
      holder: company.id,
    });
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

  it("replays a key creation without its secret, stores the secret nowhere, and not at all once the key is revoked", async () => {
    const headers = { "idempotency-key": "key-for-company" };
    const first = await t.call("POST", `/v1/organizations/${company.id}/keys`, {
      key: t.admin.key,
      body: { label: "erp" },
      headers,
    });
    expect(first.status).toBe(201);
    expect(first.body.key).toMatch(/^jcmk_/);
    const replay = await t.call("POST", `/v1/organizations/${company.id}/keys`, {
      key: t.admin.key,
      body: { label: "erp" },
      headers,
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toMatchObject({ id: first.body.id, key: null, secretShown: false, label: "erp" });
    expect(replay.body.note).toContain("shown once");
    const stored = await rows(t.database.db, sql`SELECT body FROM idempotency_keys`);
    expect(JSON.stringify(stored)).not.toContain(first.body.key);
    expect((await t.call("GET", "/v1/me", { key: first.body.key })).status).toBe(200);
    expect((await t.call("DELETE", `/v1/keys/${first.body.id}`, { key: t.admin.key })).status).toBe(204);
    const revoked = await t.call("POST", `/v1/organizations/${company.id}/keys`, {
      key: t.admin.key,
      body: { label: "erp" },
      headers,
    });
    expect(revoked.status).toBe(409);
    expect(revoked.body.code).toBe("key_revoked");
    expect(JSON.stringify(revoked.body)).not.toContain("jcmk_");
  });

  it("answers a statement the database refuses inside the idempotency transaction as outside it, and replays that answer", async () => {
    // A route whose lookup sends text the database cannot store: PostgreSQL aborts the statement.
    const probe = new Hono<AppEnv>();
    probe.use("*", async (c, next) => {
      c.set("deps", t.deps);
      c.set("auth", undefined);
      c.set("storedAnswer", undefined);
      await next();
    });
    probe.use("*", idempotency());
    probe.post("/v1/probe", async (c) => {
      await rows(c.get("deps").db, sql`SELECT id FROM organizations WHERE id = ${"org_\u0000"}`);
      return c.json({ found: true }, 201);
    });
    probe.onError(onError);
    const send = (key?: string) =>
      probe.request("/v1/probe", {
        method: "POST",
        headers: {
          authorization: `Bearer ${company.key}`,
          "content-type": "application/json",
          ...(key ? { "idempotency-key": key } : {}),
        },
        body: "{}",
      });
    const outside = await send();
    expect(outside.status).toBe(400);
    const inside = await send("probe-1");
    expect(inside.status).toBe(400);
    expect(await inside.json()).toEqual(await outside.json());
    const again = await send("probe-1");
    expect(again.status).toBe(400);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });
});
