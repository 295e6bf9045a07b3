import { sql } from "drizzle-orm";
import type { Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChainMirror, chainStatus } from "../../api/chain/mirror.js";
import { Interrupted, OutboxWorker } from "../../api/chain/outbox-worker.js";
import { openDatabase } from "../../db/client.js";
import { rows } from "../../db/values.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { type TestChain, testChain } from "../helpers/chain.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";

/** The mirror's worker when more than one process, or more than one sender, uses the bridge key. */
describe.runIf(databaseAvailable())("one mirror worker per bridge key, and a nonce taken from under it", () => {
  let t: TestContext;
  let chain: TestChain;
  let iss: Issued;
  let company: Org;
  let tokenId: bigint;
  const HOLDER = 1;
  const mirrors: ChainMirror[] = [];

  const open = async (database = t.database, deps = t.deps, stuckAfterMs = 10 * 60_000) => {
    const m = await ChainMirror.open(deps, {
      transport: chain.transport,
      privateKey: chain.bridgeKey,
      contract: chain.contract,
      confirmations: 0,
      pollMs: 50,
      startBlock: 0n,
      reconcileEvery: 1,
      stuckAfterMs,
      leadership: database.leadership,
      pollingIntervalMs: 20,
      worker: { baseBackoffMs: 1, maxBackoffMs: 1, receiptTimeoutMs: 20_000 },
    });
    mirrors.push(m);
    return m;
  };
  const tokenize = async (from: number, to: number) => {
    const r = await t.call("POST", "/v1/tokenizations", {
      key: company.key,
      body: { serials: [iss.serials(from, to)], toAddress: chain.address(HOLDER) },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    return r.body as { id: string };
  };
  const statusOf = async (id: string) =>
    (await t.call("GET", `/v1/tokenizations/${id}`, { key: company.key })).body.status as string;
  const supply = () => chain.read<bigint>("totalSupply", [tokenId]);

  beforeAll(async () => {
    t = await testContext();
    chain = await testChain();
    t.deps.mirror = await open();
    iss = await t.issue({ start: 1, end: 1000 });
    tokenId = iss.id;
    const org = await t.call("POST", "/v1/organizations", {
      key: t.admin.key,
      body: { name: "Holder Co.", role: "company", country: "JP", walletAddress: chain.address(HOLDER) },
    });
    const key = await t.call("POST", `/v1/organizations/${org.body.id}/keys`, { key: t.admin.key, body: {} });
    company = { id: org.body.id, key: key.body.key, name: "Holder Co.", role: "company", country: "JP" };
    await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 500)], organizationId: company.id, registryReference: "r" },
    });
  }, 120_000);
  afterAll(async () => {
    for (const m of mirrors) await m.stop();
    await t.audit();
    await chain?.close();
    await t.close();
  });

  it.runIf(dbKind === "postgres")(
    "runs the mirror in one process of those sharing the database; another takes over when it stops",
    async () => {
      const second = await openDatabase({ kind: "postgres", url: t.database.url as string, poolSize: 3 });
      try {
        const first = t.deps.mirror as ChainMirror;
        const standby = await open(second, { ...t.deps, db: second.db });
        await first.tick();
        await standby.tick();
        expect([first.role, standby.role]).toEqual(["leader", "standby"]);
        const queued = await tokenize(1, 10);
        await standby.tick();
        expect(await statusOf(queued.id)).toBe("pending");
        expect((await t.call("GET", "/v1/chain")).body.worker).toBe("leader");
        await first.stop();
        await standby.tick();
        expect(standby.role).toBe("leader");
        expect(await statusOf(queued.id)).toBe("confirmed");
        await first.tick();
        expect(first.role).toBe("standby");
        await standby.stop();
        await first.tick();
        expect(first.role).toBe("leader");
      } finally {
        await second.close();
      }
    },
  );

  it("signs an operation again when another transaction of the bridge key took its nonce, and mints once", async () => {
    const mirror = t.deps.mirror as ChainMirror;
    const before = await supply();
    const queued = await tokenize(21, 30);
    const dying = new OutboxWorker(
      t.deps,
      mirror.chain,
      { leaseMs: 1, baseBackoffMs: 1, maxBackoffMs: 1, receiptTimeoutMs: 20_000, startBlock: 0n },
      (step) => {
        if (step === "signed") throw new Interrupted("killed before the broadcast");
      },
    );
    await expect(dying.runOnce()).rejects.toThrow(Interrupted);
    // Another sender with the bridge key (another process, a wallet) uses the nonce first.
    const other = await chain.send(0, "mint", [`0x${"cd".repeat(32)}` as Hex, chain.address(2), 999_999n, 1n]);
    expect(other.status).toBe("success");
    for (let tick = 0; tick < 5 && (await statusOf(queued.id)) !== "confirmed"; tick++) await mirror.tick();
    expect(await statusOf(queued.id)).toBe("confirmed");
    expect(await supply()).toBe(before + 10n);
    const [row] = await rows(t.database.db, sql`SELECT attempts, last_error FROM chain_outbox WHERE id = ${queued.id}`);
    expect(row?.last_error).toBeNull();
  });

  it("reports an operation queued longer than the threshold as drift", async () => {
    const mirror = t.deps.mirror as ChainMirror;
    const impatient = await open(t.database, t.deps, 1_000);
    await mirror.stop();
    chain.setDown(true);
    try {
      const queued = await tokenize(41, 45);
      await impatient.tick();
      const later = new Date(Date.now() + 5_000);
      const status = await chainStatus(t.database.db, impatient, later);
      expect(status.drift).toEqual([
        expect.objectContaining({ kind: "stuck_operation", operation: queued.id, operationKind: "mint" }),
      ]);
    } finally {
      chain.setDown(false);
      await impatient.tick();
      await impatient.stop();
      await mirror.tick();
    }
  });
});
