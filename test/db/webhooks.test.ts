import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AppDeps } from "../../api/http/env.js";
import { deliverDue } from "../../api/webhooks/deliver.js";
import { webhookAgent } from "../../api/webhooks/targets.js";
import { openDatabase } from "../../db/client.js";
import { rows } from "../../db/values.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";
import { Receiver } from "../helpers/receiver.js";

type Verify = (secret: string, header: string, body: string, nowSeconds?: number) => boolean;

/** The README's verification snippet, run as a receiver would run it. */
async function readmeVerifier(): Promise<Verify> {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const code = /<!-- webhook-verification -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error("README has no webhook verification snippet");
  const file = join(mkdtempSync(join(tmpdir(), "jcm-verify-")), "verify.mjs");
  writeFileSync(file, code);
  return ((await import(pathToFileURL(file).href)) as { verifyWebhook: Verify }).verifyWebhook;
}

/**
 * Webhooks, end to end with a receiver on a local port: the outbox fills in the transaction of
 * each change, the worker signs and sends, retries on failures with backoff, survives a sender
 * that dies between sending and recording, gives up after a day, and two workers on one
 * PostgreSQL send each event once. The service's clock is the test's: retries are due when the
 * test moves it, never after a sleep.
 */
describe.runIf(databaseAvailable())("webhooks", () => {
  let t: TestContext;
  let company: Org;
  let registry: Org;
  let receiver: Receiver;
  let now = new Date("2026-03-01T00:00:00Z");
  const agent = webhookAgent(true, 5_000);
  const settings = { allowPrivate: true, timeoutMs: 5_000, agent };
  beforeAll(async () => {
    t = await testContext();
    t.deps.clock = () => new Date(now);
    company = await t.org("company", "JP", "Webhook buyer");
    registry = await t.org("registry", "JP", "Registry with a receiver");
  });
  afterEach(async () => {
    await receiver?.close();
  });
  afterAll(async () => {
    await agent.close();
    await t.audit();
    await t.close();
  });

  let projects = 0;
  /** A fresh project and units held by `company`, and a webhook of `registry` for that project alone. */
  async function subscribed(types: string[] = []) {
    receiver = await Receiver.start();
    const project = `MN${800 + (++projects % 100)}`;
    const hook = await t.call("POST", "/v1/webhooks", {
      key: registry.key,
      body: { url: receiver.url, types, filters: { projectRef: project } },
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const iss = await t.held(company, { project, deposited: 50 });
    return { hook: hook.body as { id: string; secret: string }, iss };
  }
  const claim = (iss: Issued, from: number, to: number) =>
    t.call("POST", "/v1/claims", {
      key: company.key,
      body: {
        serials: [iss.serials(from, to)],
        beneficiary: { name: "Webhook beneficiary", country: "JP" },
        claimType: "contribution",
        purpose: "Webhook",
        period: { start: "2025-01-01", end: "2025-12-31" },
      },
    });
  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  const deliveries = async (hookId: string) =>
    (await t.call("GET", `/v1/webhooks/${hookId}/deliveries?limit=500`, { key: registry.key })).body.data as {
      id: string;
      eventId: string;
      status: string;
      attempts: number;
      lastStatus: number | null;
      lastResponse: string | null;
    }[];

  it("delivers every event of a run once by id, signed as the README verifies, despite failed first attempts", async () => {
    const { hook, iss } = await subscribed();
    expect(hook.secret).toMatch(/^whsec_/);
    for (let i = 1; i <= 3; i++) expect((await claim(iss, i, i)).status).toBe(201);
    const report = await t.call("POST", "/v1/government-reports", {
      key: (await t.org("government", "JP")).key,
      body: { kind: "ndc_use", year: 2026, reference: "hooks", serials: [iss.serials(60, 70)] },
    });
    expect(report.status).toBe(201);
    // The receiver fails each event's first attempt with a 500 and hangs up on its second.
    receiver.answer = (_id, attempt) => (attempt === 1 ? 500 : attempt === 2 ? "hang up" : 200);
    // Every event of the project since the webhook was made: the project, its issuance, the deposit, the claims, the report.
    const expected = (
      await rows(
        t.deps.db,
        sql`SELECT 'evt_' || j.seq AS id FROM journal j
            WHERE EXISTS (SELECT 1 FROM journal_ranges jr WHERE jr.seq = j.seq AND jr.issuance_id = ${iss.id})
               OR (j.kind = 'project.created' AND j.details->>'ref' = ${iss.project})`,
      )
    ).map((r) => String(r.id));
    expect(expected).toHaveLength(7);
    for (let run = 0; run < 8 && receiver.acknowledged().length < expected.length; run++) {
      await deliverDue(t.deps, settings);
      later(60 * 60_000);
    }
    expect(receiver.acknowledged().sort()).toEqual([...expected].sort());
    const verify = await readmeVerifier();
    for (const r of receiver.received) {
      const t0 = Number(/t=([0-9]+)/.exec(r.signature)?.[1]);
      expect(verify(hook.secret, r.signature, r.body, t0 + 1)).toBe(true);
      expect(verify(hook.secret, r.signature, `${r.body} `, t0 + 1)).toBe(false);
      expect(verify(`${hook.secret}x`, r.signature, r.body, t0 + 1)).toBe(false);
      expect(verify(hook.secret, r.signature, r.body, t0 + 3600)).toBe(false);
      expect(JSON.parse(r.body).id).toBe(r.id);
    }
    const listed = await deliveries(hook.id);
    expect(listed.map((d) => [d.status, d.attempts, d.lastStatus])).toEqual(Array(7).fill(["delivered", 3, 200]));
  });

  it("keeps 1 KB of a refusal, and sends again when asked", async () => {
    const { hook, iss } = await subscribed(["claim.created"]);
    expect((await claim(iss, 1, 5)).status).toBe(201);
    receiver.answer = () => 503;
    await deliverDue(t.deps, settings);
    const [failed] = await deliveries(hook.id);
    expect(failed).toMatchObject({ status: "pending", attempts: 1, lastStatus: 503 });
    expect(failed?.lastResponse).toHaveLength(1024);
    receiver.answer = () => 204;
    const again = await t.call("POST", `/v1/webhooks/${hook.id}/deliveries/${failed?.id}/redeliver`, {
      key: registry.key,
    });
    expect(again.status).toBe(202);
    await deliverDue(t.deps, settings);
    expect((await deliveries(hook.id))[0]).toMatchObject({ status: "delivered", attempts: 2, lastStatus: 204 });
    // Another organization sees none of it.
    const other = await t.org("company", "JP", "Nosy");
    expect((await t.call("GET", `/v1/webhooks/${hook.id}/deliveries`, { key: other.key })).status).toBe(404);
  });

  it("sends again after a sender died between sending and recording, and the late answer changes nothing", async () => {
    const { hook, iss } = await subscribed(["claim.created"]);
    expect((await claim(iss, 1, 1)).status).toBe(201);
    receiver.answer = (_id, attempt) => (attempt === 1 ? "hold" : 200);
    // The first sender sends and never hears back: for the outbox it is a process that died mid-send.
    const dead = deliverDue(t.deps, { ...settings, timeoutMs: 60_000 });
    while (receiver.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    later(5 * 60_000);
    // Another process (or this one restarted) takes the delivery once the lease has run out.
    const restarted = await deliverDue(t.deps, settings);
    expect(restarted.delivered).toBe(1);
    receiver.release();
    await dead;
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ status: "delivered", attempts: 2, lastStatus: 200 });
    expect(receiver.received.map((r) => r.id)).toEqual([d?.eventId, d?.eventId]);
  });

  it("queues nothing for a write that was refused, and nothing for events a webhook did not ask for", async () => {
    const { hook, iss } = await subscribed(["government_report.ndc_use"]);
    expect((await claim(iss, 1, 1)).status).toBe(201);
    expect((await claim(iss, 1, 1)).status).toBe(409);
    expect(await deliveries(hook.id)).toEqual([]);
  });

  it("gives up after a day of failures and disables the webhook, saying why", async () => {
    const { hook, iss } = await subscribed(["claim.created"]);
    expect((await claim(iss, 1, 1)).status).toBe(201);
    receiver.answer = () => 500;
    for (let run = 0; run < 40; run++) {
      await deliverDue(t.deps, settings);
      later(60 * 60_000);
    }
    const [d] = await deliveries(hook.id);
    expect(d?.status).toBe("failed");
    const got = await t.call("GET", `/v1/webhooks/${hook.id}`, { key: registry.key });
    expect(got.body).toMatchObject({ status: "disabled", disabledReason: expect.stringContaining("24 hours") });
    const again = await t.call("POST", `/v1/webhooks/${hook.id}/deliveries/${d?.id}/redeliver`, { key: registry.key });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("webhook_disabled");
  });

  it("refuses targets that are not public http(s) addresses unless the operator allows them", async () => {
    t.deps.config.webhooks.allowPrivate = false;
    try {
      for (const url of [
        "http://127.0.0.1/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://localhost:8080/hook",
        "ftp://example.org/hook",
        "https://user:pass@example.org/hook",
        "not a url",
      ]) {
        const r = await t.call("POST", "/v1/webhooks", { key: registry.key, body: { url } });
        expect(r.status, url).toBe(400);
        expect(r.body.errors[0].path).toBe("url");
      }
      const fine = await t.call("POST", "/v1/webhooks", { key: registry.key, body: { url: "https://example.org/h" } });
      expect(fine.status).toBe(201);
      await t.call("DELETE", `/v1/webhooks/${fine.body.id}`, { key: registry.key });
    } finally {
      t.deps.config.webhooks.allowPrivate = true;
    }
    // A webhook registered while private targets were allowed is not sent to once they are not.
    const { hook, iss } = await subscribed(["claim.created"]);
    expect((await claim(iss, 1, 1)).status).toBe(201);
    await deliverDue(t.deps, { ...settings, allowPrivate: false, agent: webhookAgent(false, 5_000) });
    expect(receiver.received).toEqual([]);
    expect((await deliveries(hook.id))[0]?.status).toBe("pending");
  });

  it.runIf(dbKind === "postgres")("has two workers on one PostgreSQL send each event once between them", async () => {
    const { hook, iss } = await subscribed(["claim.created"]);
    for (let i = 1; i <= 30; i++) expect((await claim(iss, i, i)).status).toBe(201);
    const second = await openDatabase({ kind: "postgres", url: t.database.url as string, poolSize: 5 });
    try {
      const other: AppDeps = { ...t.deps, db: second.db };
      const work = (deps: AppDeps) => async () => {
        for (let run = 0; run < 20; run++) await deliverDue(deps, { ...settings, batch: 3 });
      };
      await Promise.all([work(t.deps)(), work(other)(), work(t.deps)(), work(other)()]);
    } finally {
      await second.close();
    }
    expect(receiver.acknowledged()).toHaveLength(30);
    expect(new Set(receiver.acknowledged()).size).toBe(30);
    expect((await deliveries(hook.id)).every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
  });
});
