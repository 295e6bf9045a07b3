import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, describe, expect, it, vi } from "vitest";
import { InvalidConfiguration, loadConfig } from "../../api/config.js";
import { openDatabase } from "../../db/client.js";
import { openReadReplica, type ReadReplica } from "../../db/replica.js";
import { type Running, startServer } from "../../scripts/processes.js";
import { type TestContext, testContext } from "../helpers/app.js";
import { dbKind } from "../helpers/db.js";
import { type ReplicaPair, replicaUnavailable, startReplicaPair } from "../helpers/replica-cluster.js";

const MAX_LAG_MS = 1_000;

async function metric(t: TestContext, name: string) {
  const res = await t.app.request("/metrics", { headers: { "x-forwarded-for": "127.0.0.1" } });
  const families = parsePrometheusTextFormat(await res.text());
  return (families.find((f) => f.name === name)?.metrics ?? []) as { labels: Record<string, string>; value: string }[];
}

const claim = (serials: string) => ({
  serials: [serials],
  beneficiary: { name: "Kanto Rail Co.", country: "JP" },
  claimType: "contribution",
  purpose: "Offsetting 2025 business travel",
  period: { start: "2025-01-01", end: "2025-12-31" },
});

/**
 * `DATABASE_READ_URL` against a real streaming replica (a primary and a `pg_basebackup -R` copy on
 * two more ports): public reads go to the replica, writes and an organization's own reads to the
 * primary; a read of a record the replica has not replayed yet is answered by the primary; a
 * replica that falls behind by more than the bound, or goes away, is left until it is back.
 * Replay is paused on the replica to hold it behind; its lag is measured on an injected clock.
 */
describe.runIf(dbKind === "postgres")("reads from a streaming replica", () => {
  const opened: { pair: ReplicaPair; t: TestContext; replica: ReadReplica }[] = [];
  const servers: Running[] = [];
  afterAll(async () => {
    for (const s of servers) s.child.kill("SIGKILL");
    await Promise.all(servers.map((s) => s.exited));
    for (const { pair, t, replica } of opened) {
      await replica.close();
      await t.close();
      await pair.stop();
    }
  });

  async function world() {
    const why = replicaUnavailable();
    if (why && process.env.CI) throw new Error(`CI must run the replica test: ${why}`);
    if (why) return undefined;
    const pair = await startReplicaPair();
    const clock = { now: 0 };
    const database = await openDatabase({ kind: "postgres", url: pair.primaryUrl, poolSize: 5 });
    const replica = openReadReplica({
      url: pair.replicaUrl,
      poolSize: 5,
      timeouts: { lockMs: 5_000, statementMs: 60_000, idleInTransactionMs: 15_000 },
      maxLagMs: MAX_LAG_MS,
      primary: database.db,
      now: () => clock.now,
    });
    const t = await testContext({ database, replica });
    opened.push({ pair, t, replica });
    const company = await t.org("company", "JP", "Kanto Rail Co.");
    const iss = await t.held(company, { units: 100 });
    await vi.waitFor(async () => expect(await pair.caughtUp()).toBe(true), { timeout: 30_000, interval: 20 });
    await replica.probe();
    expect(replica.usable()).toBe(true);
    return { pair, t, replica, clock, company, iss };
  }

  it("sends public reads to the replica, writes and holdings to the primary, and a record the replica lacks to the primary", async () => {
    const w = await world();
    if (!w) return;
    const { pair, t, replica, clock, company, iss } = w;
    await pair.pauseReplay();

    const made = await t.call("POST", "/v1/claims", { key: company.key, body: claim(iss.serials(1, 10)) });
    expect(made.status, JSON.stringify(made.body)).toBe(201);

    // The replica has not replayed the claim: the public status is its (older) answer.
    const stale = await t.call("GET", `/v1/status/${iss.serials(1, 10)}`);
    expect(stale.status).toBe(200);
    expect(stale.body.parts).toEqual([expect.objectContaining({ state: "held", holder: company.id })]);
    // The claim itself is not on the replica yet: the primary answers, not a 404.
    const own = await t.call("GET", `/v1/claims/${made.body.id}`);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body).toMatchObject({ id: made.body.id, quantity: 10 });
    // An id that is nowhere is still a 404, now from the primary.
    expect((await t.call("GET", "/v1/claims/clm_01jzzzzzzzzzzzzzzzzzzzzzzz")).status).toBe(404);
    // Each request is counted once, with the answer the client got.
    const claimReads = (await metric(t, "jcm_http_requests_total")).filter(
      (m) => m.labels.route === "/v1/claims/:id" && m.labels.method === "GET",
    );
    expect(claimReads.map((m) => [m.labels.status, m.value]).sort()).toEqual([
      ["200", "1"],
      ["404", "1"],
    ]);
    expect((await metric(t, "jcm_db_replica_in_use"))[0]?.value).toBe("1");
    // Keys are checked on the primary: one made while the replica is behind works at once, one revoked fails at once.
    const key = await t.call("POST", `/v1/organizations/${company.id}/keys`, { key: t.admin.key, body: {} });
    expect(key.status).toBe(201);
    expect((await t.call("GET", `/v1/status/${iss.serials(1, 10)}`, { key: key.body.key })).status).toBe(200);
    const revoked = await t.call("DELETE", `/v1/keys/${key.body.id}`, { key: t.admin.key });
    expect(revoked.status).toBe(204);
    expect((await t.call("GET", `/v1/status/${iss.serials(1, 10)}`, { key: key.body.key })).status).toBe(401);
    // Holdings are an organization's own read: always the primary.
    const holdings = await t.call("GET", "/v1/holdings", { key: company.key });
    expect(holdings.status).toBe(200);
    expect(JSON.stringify(holdings.body)).not.toContain(iss.serials(1, 10));

    // Behind by more than the bound: public reads go to the primary, which has the claim.
    clock.now += MAX_LAG_MS + 1;
    await replica.probe();
    expect(replica.usable()).toBe(false);
    expect(replica.lagMs()).toBeGreaterThan(MAX_LAG_MS);
    expect((await metric(t, "jcm_db_replica_in_use"))[0]?.value).toBe("0");
    expect(Number((await metric(t, "jcm_db_replica_lag_seconds"))[0]?.value)).toBeGreaterThan(MAX_LAG_MS / 1000);
    const fresh = await t.call("GET", `/v1/status/${iss.serials(1, 10)}`);
    expect(fresh.body.parts).toEqual([expect.objectContaining({ state: "claimed", claimId: made.body.id })]);

    // Caught up again: back to the replica, which now answers the same.
    await pair.resumeReplay();
    await vi.waitFor(async () => expect(await pair.caughtUp()).toBe(true), { timeout: 30_000, interval: 20 });
    await replica.probe();
    expect(replica.usable()).toBe(true);
    expect(replica.lagMs()).toBe(0);
    const replayed = await t.call("GET", `/v1/status/${iss.serials(1, 10)}`);
    expect(replayed.body).toEqual(fresh.body);
    await t.audit();
  });

  it("answers public reads from the primary when the replica goes away, and says so in the metrics", async () => {
    const w = await world();
    if (!w) return;
    const { pair, t, replica, iss } = w;
    await pair.stopReplica();
    // The first read meets the stopped replica and is answered again by the primary.
    const status = await t.call("GET", `/v1/status/${iss.serials(1, 10)}`);
    expect(status.status, JSON.stringify(status.body)).toBe(200);
    expect(status.body.parts).toEqual([expect.objectContaining({ state: "held" })]);
    expect(replica.usable()).toBe(false);
    await replica.probe();
    expect(replica.usable()).toBe(false);
    expect(replica.lagMs()).toBeUndefined();
    const batch = await t.call("POST", "/v1/status", { body: { serials: [iss.serials(1, 10)] } });
    expect(batch.status).toBe(200);
    expect((await metric(t, "jcm_db_replica_in_use"))[0]?.value).toBe("0");
    expect((await metric(t, "jcm_db_replica_lag_seconds"))[0]?.value).toBe("+Inf");
  });

  it("runs in the server: DATABASE_READ_URL is probed and public reads go to the replica", async () => {
    const w = await world();
    if (!w) return;
    const { pair, company, iss } = w;
    const server = await startServer({
      DATABASE_URL: pair.primaryUrl,
      DATABASE_READ_URL: pair.replicaUrl,
      DATABASE_READ_PROBE_MS: "50",
      // Wide enough that a slow machine's pauses never send this test's reads to the primary.
      DATABASE_READ_MAX_LAG_MS: "600000",
      CHAIN_WORKER: "false",
    });
    servers.push(server);
    const get = (path: string) => fetch(`${server.url}${path}`);
    const inUse = async () => {
      const families = parsePrometheusTextFormat(await (await get("/metrics")).text());
      return families.find((f) => f.name === "jcm_db_replica_in_use")?.metrics[0];
    };
    await vi.waitFor(async () => expect(await inUse()).toMatchObject({ value: "1" }), {
      timeout: 30_000,
      interval: 50,
    });
    await pair.pauseReplay();
    const made = await fetch(`${server.url}/v1/claims`, {
      method: "POST",
      headers: { authorization: `Bearer ${company.key}`, "content-type": "application/json" },
      body: JSON.stringify(claim(iss.serials(1, 10))),
    });
    expect(made.status).toBe(201);
    const stale = (await (await get(`/v1/status/${iss.serials(1, 10)}`)).json()) as { parts: { state: string }[] };
    expect(stale.parts.map((p) => p.state)).toEqual(["held"]);
    const { id } = (await made.json()) as { id: string };
    expect((await get(`/v1/claims/${id}`)).status).toBe(200);
  });

  it("refuses DATABASE_READ_URL without DATABASE_URL: the embedded database has no replicas", () => {
    expect(() => loadConfig({ DATABASE_READ_URL: "postgres://replica.example/jcm" })).toThrow(InvalidConfiguration);
  });
});
