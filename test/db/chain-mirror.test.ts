import { sql } from "drizzle-orm";
import { createPublicClient, type Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployMirror } from "../../api/chain/deploy.js";
import { ChainMirror } from "../../api/chain/mirror.js";
import { mirrorAbi } from "../../api/chain/mirror-artifact.js";
import { Interrupted, OutboxWorker } from "../../api/chain/outbox-worker.js";
import { verifyAnchor } from "../../api/chain/verify-anchor.js";
import { rows } from "../../db/values.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { type TestChain, testChain } from "../helpers/chain.js";
import { databaseAvailable } from "../helpers/db.js";
import { sealEverything } from "../helpers/seal.js";

const claimBody = (serials: string[]) => ({
  serials,
  beneficiary: { name: "B", country: "JP" },
  claimType: "contribution",
  purpose: "p",
  period: { start: "2025-01-01", end: "2025-12-31" },
});

/**
 * One token's life, in order: minted, refused off chain, retired, rescanned, burned, anchored,
 * reconciled. Its steps build on each other by design, so this suite alone is not shuffled.
 */
describe.runIf(databaseAvailable())("chain mirror end to end on Hardhat's network", { shuffle: false }, () => {
  let t: TestContext;
  let chain: TestChain;
  let mirror: ChainMirror;
  let iss: Issued;
  let company: Org;
  let tokenId: bigint;
  const HOLDER = 1;
  const BUYER = 2;

  const openMirror = (overrides: Partial<Parameters<typeof ChainMirror.open>[1]> = {}, deps = t.deps) =>
    ChainMirror.open(deps, {
      transport: chain.transport,
      privateKey: chain.bridgeKey,
      contract: chain.contract,
      confirmations: 0,
      pollMs: 50,
      startBlock: 0n,
      reconcileEvery: 1,
      stuckAfterMs: 10 * 60_000,
      leadership: t.database.leadership,
      pollingIntervalMs: 20,
      // No backoff: a failed operation is due again at once, so a test need not wait for it.
      worker: { baseBackoffMs: 0, maxBackoffMs: 0, receiptTimeoutMs: 20_000 },
      ...overrides,
    });

  const tokenize = async (from: number, to: number) => {
    const r = await t.call("POST", "/v1/tokenizations", {
      key: company.key,
      body: { serials: [iss.serials(from, to)], toAddress: chain.address(HOLDER) },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    return r.body;
  };
  const balance = (i: number) => chain.read<bigint>("balanceOf", [chain.address(i), tokenId]);
  const supply = () => chain.read<bigint>("totalSupply", [tokenId]);

  beforeAll(async () => {
    t = await testContext();
    chain = await testChain();
    mirror = await openMirror();
    t.deps.mirror = mirror;
    iss = await t.issue({ project: "MN006", start: 1, end: 10_000 });
    tokenId = iss.id;
    const org = await t.call("POST", "/v1/organizations", {
      key: t.admin.key,
      body: { name: "Holder Co.", role: "company", country: "JP", walletAddress: chain.address(HOLDER) },
    });
    const key = await t.call("POST", `/v1/organizations/${org.body.id}/keys`, { key: t.admin.key, body: {} });
    company = { id: org.body.id, key: key.body.key, name: "Holder Co.", role: "company", country: "JP" };
    const d = await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 1000)], organizationId: company.id, registryReference: "r" },
    });
    expect(d.status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await t.audit();
    await chain?.close();
    await t.close();
  });

  it("tokenizes: units go tokenized at once, the mint lands on chain and the tokenization is confirmed", async () => {
    const tok = await tokenize(1, 100);
    expect(tok).toMatchObject({
      status: "pending",
      tokenId: String(tokenId),
      quantity: 100,
      serials: [iss.serials(1, 100)],
    });
    const status = await t.call("GET", `/v1/status/${iss.serials(1, 100)}`);
    expect(status.body.parts).toEqual([
      expect.objectContaining({ state: "tokenized", tokenId: String(tokenId), holder: company.id }),
    ]);
    await mirror.tick();
    const got = await t.call("GET", `/v1/tokenizations/${tok.id}`, { key: company.key });
    expect(got.body).toMatchObject({ status: "confirmed", txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(got.body.blockNumber).toBeGreaterThan(0);
    expect(await balance(HOLDER)).toBe(100n);
    // An operator sees where the mirror stands: the last block applied and how far behind the head it is.
    const metrics = await (await t.app.request("/metrics", { headers: { "x-forwarded-for": "127.0.0.1" } })).text();
    expect(Number(/^jcm_chain_last_block_seen ([0-9]+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(Number(/^jcm_chain_lag_blocks ([0-9]+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(0);
    expect(/^jcm_chain_outbox_backlog 0$/m.test(metrics)).toBe(true);
    const events = await t.call("GET", `/v1/provenance/${iss.serials(5)}`);
    expect(events.body.events.map((e: { kind: string }) => e.kind)).toEqual([
      "issuance.created",
      "deposit",
      "tokenization",
      "tokenization.confirmed",
    ]);
  });

  it("refuses to claim, transfer or withdraw tokenized units off chain", async () => {
    const other = await t.org("company", "JP");
    const claim = await t.call("POST", "/v1/claims", { key: company.key, body: claimBody([iss.serials(1, 5)]) });
    expect(claim.status).toBe(409);
    expect(claim.body.code).toBe("serials_tokenized");
    const transfer = await t.call("POST", "/v1/transfers", {
      key: company.key,
      body: { serials: [iss.serials(1, 5)], toOrganizationId: other.id },
    });
    expect(transfer.body.code).toBe("serials_tokenized");
    const withdrawal = await t.call("POST", "/v1/withdrawals", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 5)], registryReference: "x" },
    });
    expect(withdrawal.body.code).toBe("serials_tokenized");
    const ndc = await t.call("POST", "/v1/government-reports", {
      key: (await t.org("government", "MN")).key,
      body: { kind: "ndc_use", year: 2025, serials: [iss.serials(1, 5)], reference: "x" },
    });
    expect(ndc.body.code).toBe("serials_in_voluntary_use");
  });

  it("turns a buyer's on-chain retire into a claim on the lowest tokenized units, with the tx hash", async () => {
    await chain.send(HOLDER, "safeTransferFrom", [chain.address(HOLDER), chain.address(BUYER), tokenId, 40n, "0x"]);
    const retired = await chain.send(BUYER, "retire", [tokenId, 30n, "Buyer Ltd", "Offset of 2025 flights"]);
    expect(retired.status).toBe("success");
    await mirror.tick();
    const list = await t.call("GET", `/v1/claims?txHash=${retired.hash}`);
    expect(list.body.data).toHaveLength(1);
    const [claim] = list.body.data;
    expect(claim).toMatchObject({
      serials: [iss.serials(1, 30)],
      quantity: 30,
      claimType: "contribution",
      beneficiary: { name: "Buyer Ltd", country: "ZZ" },
      purpose: "Offset of 2025 flights",
      txHash: retired.hash.toLowerCase(),
      reason: "other",
      framework: null,
      reportingYear: null,
    });
    expect(claim.notes).toContain(`Retired on chain in transaction ${retired.hash.toLowerCase()}`);
    expect(claim.claimantName).toBe(`On-chain holder ${chain.address(BUYER).toLowerCase()}`);
    const claimedPart = (await t.call("GET", `/v1/status/${iss.serials(1)}`)).body.parts[0];
    expect(claimedPart).toMatchObject({ state: "claimed", holder: claim.claimant, claimId: claim.id });
    const status = await t.call("GET", `/v1/status/${iss.serials(1, 31)}`);
    expect(status.body.parts.map((p: { serials: string; state: string }) => [p.serials, p.state])).toEqual([
      [iss.serials(1, 30), "claimed"],
      [iss.serials(31), "tokenized"],
    ]);
    expect(await supply()).toBe(70n);
  });

  it("ingests a log delivered twice only once (rescan from an old cursor)", async () => {
    await t.database.db.execute(sql`UPDATE chain_cursor SET last_block = 0`);
    const polled = await mirror.listener.pollOnce();
    expect(polled.outcomes.length).toBeGreaterThan(0);
    expect(polled.outcomes.every((o) => o.outcome === "duplicate")).toBe(true);
    const [count] = await rows(t.database.db, sql`SELECT count(*)::int AS n FROM claims WHERE tx_hash IS NOT NULL`);
    expect(count?.n).toBe(1);
  });

  it("detokenizes: needs the wallet's approval, burns from it, and the units return to held", async () => {
    const refused = await t.call("POST", "/v1/detokenizations", {
      key: company.key,
      body: { issuanceId: iss.issuanceId, quantity: 20 },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("chain_approval_required");
    await chain.send(HOLDER, "setApprovalForAll", [chain.address(0), true]);
    const tooMany = await t.call("POST", "/v1/detokenizations", {
      key: company.key,
      body: { issuanceId: iss.issuanceId, quantity: 61 },
    });
    expect(tooMany.body.code).toBe("insufficient_tokens");
    const r = await t.call("POST", "/v1/detokenizations", {
      key: company.key,
      body: { issuanceId: iss.issuanceId, quantity: 20 },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    await mirror.tick();
    const got = await t.call("GET", `/v1/detokenizations/${r.body.id}`, { key: company.key });
    expect(got.body).toMatchObject({ status: "confirmed", applied: true, serials: [iss.serials(31, 50)] });
    expect(await balance(HOLDER)).toBe(40n);
    const status = await t.call("GET", `/v1/status/${iss.serials(31, 51)}`);
    expect(status.body.parts.map((p: { serials: string; state: string }) => [p.serials, p.state])).toEqual([
      [iss.serials(31, 50), "held"],
      [iss.serials(51), "tokenized"],
    ]);
  });

  it("anchors journal roots on chain, and a certificate's anchor verifies there", async () => {
    await sealEverything(t.deps);
    await mirror.tick();
    const [first] = (await t.call("GET", `/v1/claims?claimant=`)).body.data;
    const claim = (await t.call("GET", `/v1/claims/${first.id}`)).body;
    expect(claim.certificate.anchor).toMatchObject({ chainId: 31337, contract: chain.contract.toLowerCase() });
    expect(await verifyAnchor(claim, chain.transport)).toMatchObject({ step: "anchor", ok: true });
    const forged = { ...claim, certificate: { ...claim.certificate, root: "a".repeat(64) } };
    expect(await verifyAnchor(forged, chain.transport)).toMatchObject({ step: "anchor", ok: false });
    // A chain nobody answers for is a failed step with its reason, not a crash.
    const unreachable = await verifyAnchor(claim, "http://127.0.0.1:9");
    expect(unreachable).toMatchObject({ step: "anchor", ok: false });
    expect(unreachable.detail).toContain("could not be asked");
    const roots = await t.call("GET", "/v1/journal/roots");
    expect(roots.body.data.every((r: { anchor: unknown }) => r.anchor !== null)).toBe(true);
  });

  it("reconciles: the ledger and the chain agree, and GET /v1/chain says so", async () => {
    await mirror.tick({ reconcile: true });
    const status = await t.call("GET", "/v1/chain");
    expect(status.body).toMatchObject({
      enabled: true,
      contract: chain.contract,
      outboxPending: 0,
      drift: [],
    });
    expect(status.body.lastBlockSeen).toBeGreaterThan(0);
  });

  it("serves ERC-1155 metadata for the token id", async () => {
    const r = await t.call("GET", `/v1/tokens/${tokenId}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      decimals: 0,
      properties: {
        issuanceId: iss.issuanceId,
        projectRef: "MN006",
        hostCountry: "MN",
        registry: "JP",
        vintage: 2020,
        tokenizedUnits: 50,
      },
    });
    expect(await chain.read<string>("uri", [tokenId])).toBe(`http://bridge.test/v1/tokens/${tokenId}`);
    expect((await t.call("GET", "/v1/tokens/999999")).status).toBe(404);
  });

  it("keeps a tokenization through an RPC outage and completes it once the node is back", async () => {
    const before = await balance(HOLDER);
    chain.setDown(true);
    let tok: { id: string };
    try {
      tok = await tokenize(101, 150);
      await mirror.tick();
      const stuck = await t.call("GET", `/v1/tokenizations/${tok.id}`, { key: company.key });
      expect(stuck.body.status).not.toBe("confirmed");
      expect(stuck.body.lastError).toContain("ECONNREFUSED");
      const pending = await t.call("GET", "/v1/chain");
      expect(pending.body.outboxPending).toBe(1);
      expect(pending.body.pending[0]).toMatchObject({ id: tok.id, attempts: 1 });
    } finally {
      chain.setDown(false);
    }
    await mirror.tick();
    expect((await t.call("GET", `/v1/tokenizations/${tok.id}`, { key: company.key })).body.status).toBe("confirmed");
    expect(await balance(HOLDER)).toBe(before + 50n);
  });

  it.each(["signed", "sent"] as const)(
    "never mints twice when the service dies after the transaction is %s but before its receipt is recorded",
    async (step) => {
      const before = await supply();
      const tok = await tokenize(step === "signed" ? 151 : 161, step === "signed" ? 160 : 170);
      const dying = new OutboxWorker(
        t.deps,
        mirror.chain,
        { leaseMs: 1, baseBackoffMs: 1, maxBackoffMs: 1, receiptTimeoutMs: 20_000, startBlock: 0n },
        (at) => {
          if (at === step) throw new Interrupted(`killed after ${at}`);
        },
      );
      await expect(dying.runOnce()).rejects.toThrow(Interrupted);
      const [row] = await rows(t.database.db, sql`SELECT status, tx_hash FROM chain_outbox WHERE id = ${tok.id}`);
      expect(row).toMatchObject({ status: "sent", tx_hash: expect.stringMatching(/^0x/) });
      // The process that died gave up its lead with its connection; the restarted one takes it.
      await mirror.stop();
      // It starts after the dead worker's lease ran out: its clock is a minute on.
      const restarted = await openMirror({}, { ...t.deps, clock: () => new Date(Date.now() + 60_000) });
      await restarted.tick({ reconcile: true });
      expect(restarted.role).toBe("leader");
      await restarted.stop();
      const done = await t.call("GET", `/v1/tokenizations/${tok.id}`, { key: company.key });
      expect(done.body.status).toBe("confirmed");
      expect(done.body.txHash).toBe(String(row?.tx_hash));
      expect(await supply()).toBe(before + 10n);
      expect((await t.call("GET", "/v1/chain")).body.drift).toEqual([]);
    },
  );

  it("reports a retire of more than the ledger tokenized as drift, and creates no claim", async () => {
    const claimsBefore = await rows(t.database.db, sql`SELECT count(*)::int AS n FROM claims`);
    // A mint that bypasses the ledger, as a leaked bridge key could do.
    await chain.send(0, "mint", [`0x${"ab".repeat(32)}` as Hex, chain.address(BUYER), tokenId, 5_000n]);
    const retired = await chain.send(BUYER, "retire", [tokenId, 4_000n, "Someone", "Too much"]);
    await mirror.tick({ reconcile: true });
    expect(await rows(t.database.db, sql`SELECT count(*)::int AS n FROM claims`)).toEqual(claimsBefore);
    const status = await t.call("GET", "/v1/chain");
    expect(status.body.drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "event",
          event: "Retired",
          txHash: retired.hash.toLowerCase(),
          amount: "4000",
        }),
        expect.objectContaining({
          kind: "supply",
          tokenId: String(tokenId),
          onChain: String((await supply()).toString()),
        }),
      ]),
    );
  });
});

describe("deploying the mirror", () => {
  it("deploys the committed contract with the bridge role, admin and metadata base URI", async () => {
    const chain = await testChain();
    try {
      const deployed = await deployMirror({
        transport: chain.transport,
        privateKey: chain.bridgeKey,
        bridge: chain.address(3),
        baseUri: "https://bridge.example/v1/tokens/",
      });
      expect(deployed.contract).toMatch(/^0x[0-9a-fA-F]{40}$/);
      expect(deployed.chainId).toBe(31337);
      const client = createPublicClient({ transport: chain.transport });
      const read = (functionName: "uri" | "hasRole" | "BRIDGE_ROLE", args: readonly unknown[]) =>
        client.readContract({ address: deployed.contract, abi: mirrorAbi, functionName, args: args as never });
      expect(await read("uri", [7n])).toBe("https://bridge.example/v1/tokens/7");
      const role = await read("BRIDGE_ROLE", []);
      expect(await read("hasRole", [role, chain.address(3)])).toBe(true);
      expect(await read("hasRole", [role, chain.address(0)])).toBe(false);
    } finally {
      await chain.close();
    }
  });
});

describe.runIf(databaseAvailable())("without a chain mirror", () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await testContext();
  });
  afterAll(() => t.close());

  it("answers token endpoints 409 chain_mirror_disabled, and the rest works unchanged", async () => {
    const company = await t.org("company", "JP");
    for (const [method, path, body] of [
      ["POST", "/v1/tokenizations", { serials: ["JCM-JP-MN006-2020-1"], toAddress: `0x${"1".repeat(40)}` }],
      ["POST", "/v1/detokenizations", { issuanceId: "iss_1", quantity: 1 }],
      ["GET", "/v1/tokenizations/tok_x", undefined],
      ["GET", "/v1/detokenizations/dtk_x", undefined],
      ["GET", "/v1/tokens/1", undefined],
    ] as const) {
      const r = await t.call(method, path, { key: company.key, body });
      expect(r.status, path).toBe(409);
      expect(r.body.code).toBe("chain_mirror_disabled");
    }
    const chain = await t.call("GET", "/v1/chain");
    expect(chain.body).toMatchObject({ enabled: false, chainId: null, contract: null, outboxPending: 0, drift: [] });
  });
});
