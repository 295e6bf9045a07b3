import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { type Running, startServer } from "../../scripts/processes.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";
import { scratchDatabase } from "../helpers/postgres-setup.js";
import { Receiver } from "../helpers/receiver.js";

/**
 * Webhooks across real server processes on one PostgreSQL: two processes share the outbox and
 * send each event once between them; processes killed while a delivery waits for its
 * acknowledgement leave it to the next process to start, which sends it again with the same id.
 */
describe.runIf(databaseAvailable() && dbKind === "postgres")("webhooks from several processes", () => {
  const scratch = scratchDatabase("jcm_hooks");
  const servers: Running[] = [];
  let receiver: Receiver | undefined;
  afterAll(async () => {
    for (const s of servers) s.child.kill("SIGKILL");
    await Promise.all(servers.map((s) => s.exited));
    await receiver?.close();
    await scratch.drop();
  });

  it("sends every event once between two processes, and again when a restarted process finds one never acknowledged", async () => {
    await scratch.create();
    const adminKey = `adm_${randomBytes(24).toString("hex")}`;
    const env = {
      DATABASE_URL: scratch.url,
      ADMIN_API_KEY: adminKey,
      WEBHOOK_ALLOW_PRIVATE: "true",
      WEBHOOK_POLL_MS: "50",
      // The lease is twice the timeout: a killed sender's delivery is due again two seconds later.
      WEBHOOK_TIMEOUT_MS: "1000",
      CHAIN_WORKER: "false",
    };
    const [a, b] = await Promise.all([startServer(env), startServer(env)]);
    servers.push(a as Running, b as Running);
    const api = async (path: string, key: string, body?: unknown) => {
      const res = await fetch(`${(a as Running).url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const org = async (role: string) => {
      const o = await api("/v1/organizations", adminKey, { name: role, role, country: "JP" });
      const k = await api(`/v1/organizations/${o.body.id}/keys`, adminKey, {});
      return { id: String(o.body.id), key: String(k.body.key) };
    };
    const registry = await org("registry");
    const company = await org("company");
    receiver = await Receiver.start();
    const r = receiver;
    const hook = await api("/v1/webhooks", registry.key, { url: r.url, types: ["claim.created"] });
    expect(hook.status).toBe(201);
    await api("/v1/projects", registry.key, { ref: "MN006", title: "P", hostCountry: "MN", methodology: "MN_AM003" });
    await api("/v1/issuances", registry.key, {
      projectRef: "MN006",
      registry: "JP",
      vintage: 2020,
      monitoringPeriod: { start: "2019-07-06", end: "2020-12-31" },
      serialStart: 1,
      serialEnd: 1000,
    });
    await api("/v1/deposits", registry.key, {
      serials: ["JCM-JP-MN006-2020-1-1000"],
      organizationId: company.id,
      registryReference: "r",
    });
    const claim = (n: number) =>
      api("/v1/claims", company.key, {
        serials: [`JCM-JP-MN006-2020-${n}`],
        beneficiary: { name: "B", country: "JP" },
        claimType: "contribution",
        purpose: "Processes",
        period: { start: "2025-01-01", end: "2025-12-31" },
      });

    for (let n = 1; n <= 20; n++) expect((await claim(n)).status).toBe(201);
    await r.until(20, { acknowledged: true });
    expect(new Set(r.acknowledged()).size).toBe(20);
    expect(r.received).toHaveLength(20);

    // The next event is held unanswered by the receiver, and every process is killed meanwhile.
    r.answer = (_id, attempt) => (attempt === 1 ? "hold" : 200);
    expect((await claim(21)).status).toBe(201);
    await r.until(21);
    const held = r.received.at(-1)?.id;
    for (const s of servers) s.child.kill("SIGKILL");
    await Promise.all(servers.map((s) => s.exited));
    // A process started afterwards finds the delivery unacknowledged once its lease is over, and sends it again.
    servers.push(await startServer(env));
    await r.until(21, { acknowledged: true });
    expect(r.acknowledged().at(-1)).toBe(held);
    expect(r.received.filter((x) => x.id === held).map((x) => x.answer)).toEqual(["held", 200]);
  });
});
