import { sql } from "drizzle-orm";
import { type Address, type Hex, http, type Transport } from "viem";
import type { Db } from "../../db/client.js";
import type { Leadership } from "../../db/leader.js";
import { big, date, rows, str, strOrNull } from "../../db/values.js";
import { every } from "../background.js";
import { StateConflict } from "../ledger/core/errors.js";
import type { Deps } from "../ledger/ops/deps.js";
import { loggableError } from "../log-error.js";
import { anchorPendingRoots } from "./anchor.js";
import { connectMirror, type MirrorChain } from "./client.js";
import { ChainListener } from "./listener.js";
import { mirrorAbi } from "./mirror-artifact.js";
import { DEFAULT_WORKER_OPTIONS, OutboxWorker, type WorkerOptions } from "./outbox-worker.js";
import { reconcile } from "./reconciler.js";

export interface MirrorConfig {
  rpcUrl?: string | undefined;
  transport?: Transport | undefined;
  privateKey: Hex;
  contract: Address;
  confirmations: number;
  pollMs: number;
  /** How often viem polls while waiting for a receipt. */
  pollingIntervalMs?: number | undefined;
  startBlock: bigint;
  /** Reconcile once every this many polls. */
  reconcileEvery: number;
  /** An operation not confirmed this long after it was queued is reported as drift. */
  stuckAfterMs: number;
  /** Who among the processes sharing the database runs the mirror of a bridge key (`Database.leadership`). */
  leadership: (name: string) => Leadership;
  worker?: Partial<WorkerOptions>;
}

/** What this process does for the mirror: runs it, stands by to take over, or never runs it (CHAIN_WORKER=false). */
export type MirrorRole = "leader" | "standby" | "off";

/**
 * The running mirror: one loop that sends the outbox, ingests events and reconciles supply.
 * Steps never overlap; a failing step is logged and retried on the next tick. Of the processes
 * sharing a database, one runs the mirror of a bridge key (its transactions need one nonce
 * sequence); the others stand by and take over when it dies.
 */
export class ChainMirror {
  readonly worker: OutboxWorker;
  readonly listener: ChainListener;
  private loop: { stop(): Promise<void> } | undefined;
  private ticks = 0;
  private readonly lead: Leadership;
  role: MirrorRole = "off";

  private constructor(
    private readonly deps: Deps,
    readonly chain: MirrorChain,
    readonly config: MirrorConfig,
  ) {
    this.lead = config.leadership(`mirror:${chain.chainId}:${chain.account.address.toLowerCase()}`);
    this.worker = new OutboxWorker(deps, chain, {
      ...DEFAULT_WORKER_OPTIONS,
      startBlock: config.startBlock,
      ...config.worker,
    });
    this.listener = new ChainListener(deps, chain, {
      confirmations: config.confirmations,
      startBlock: config.startBlock,
      chunk: 2_000n,
    });
  }

  static async open(deps: Deps, config: MirrorConfig): Promise<ChainMirror> {
    const transport = config.transport ?? http(config.rpcUrl, { retryCount: 0, timeout: 15_000 });
    const chain = await connectMirror({
      transport,
      privateKey: config.privateKey,
      contract: config.contract,
      pollingIntervalMs: config.pollingIntervalMs ?? 1_000,
    });
    return new ChainMirror(deps, chain, config);
  }

  /** One pass: send, then listen, then (now and then) reconcile at the block listened to. */
  async tick(options: { reconcile?: boolean } = {}): Promise<void> {
    const leading = (await this.guard("leadership", () => this.lead.lead())) ?? false;
    if (leading !== (this.role === "leader")) {
      this.deps.log.info(
        { bridge: this.chain.account.address },
        leading ? "chain mirror: leading" : "chain mirror: standing by",
      );
    }
    this.role = leading ? "leader" : "standby";
    if (!leading) return;
    this.ticks++;
    await this.guard("outbox", () => this.worker.runOnce());
    const polled = await this.guard("listener", () => this.listener.pollOnce());
    await this.guard("anchor", () => anchorPendingRoots(this.deps, this.chain));
    if (polled && (options.reconcile || this.ticks % this.config.reconcileEvery === 1)) {
      const at = await this.listener.cursor();
      if (at !== undefined) await this.guard("reconciler", () => reconcile(this.deps, this.chain, at));
    }
  }

  private async guard<T>(step: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      this.deps.log.warn({ step, error: loggableError(error) }, "chain mirror step failed");
      return undefined;
    }
  }

  start(): void {
    this.role = "standby";
    this.loop = every(this.config.pollMs, () => this.tick(), this.deps.log, "chain mirror", 0);
  }

  /** Stops the loop and gives up the lead, so that a standby process takes it at once. */
  async stop(): Promise<void> {
    await this.loop?.stop();
    this.loop = undefined;
    await this.lead.release();
    this.role = "off";
  }

  /** Refuses a burn the chain would refuse: the wallet must hold the tokens and approve the bridge. */
  async checkBurnable(wallet: Address, tokenId: bigint, quantity: bigint): Promise<void> {
    const { publicClient, contract, account } = this.chain;
    const [balance, approved] = await Promise.all([
      publicClient.readContract({
        address: contract,
        abi: mirrorAbi,
        functionName: "balanceOf",
        args: [wallet, tokenId],
      }),
      publicClient.readContract({
        address: contract,
        abi: mirrorAbi,
        functionName: "isApprovedForAll",
        args: [wallet, account.address],
      }),
    ]);
    if (balance < quantity) {
      throw new StateConflict(
        "insufficient_tokens",
        `Wallet ${wallet} holds ${balance} of token ${tokenId}, fewer than ${quantity}`,
      );
    }
    if (!approved) {
      throw new StateConflict(
        "chain_approval_required",
        `Wallet ${wallet} must first call setApprovalForAll(${account.address}, true) so the bridge may burn its tokens`,
      );
    }
  }
}

export interface ChainStatus {
  enabled: boolean;
  /** This process's part in the mirror; the one `leader` among processes runs it. */
  worker: MirrorRole | null;
  chainId: number | null;
  contract: string | null;
  bridgeAddress: string | null;
  lastBlockSeen: number | null;
  outboxPending: number;
  pending: {
    id: string;
    kind: string;
    status: string;
    attempts: number;
    lastError: string | null;
    nextAttemptAt: string;
  }[];
  drift: Record<string, unknown>[];
}

export async function chainStatus(db: Db, mirror: ChainMirror | undefined, now: Date): Promise<ChainStatus> {
  const pending = await rows(
    db,
    sql`SELECT id, kind, status, attempts, last_error, next_attempt_at FROM chain_outbox
        WHERE status <> 'confirmed' ORDER BY created_at LIMIT 50`,
  );
  const [count] = await rows(db, sql`SELECT count(*)::int AS n FROM chain_outbox WHERE status <> 'confirmed'`);
  const supply = await rows(db, sql`SELECT * FROM chain_drift ORDER BY token_id`);
  const logs = await rows(
    db,
    sql`SELECT tx_hash, log_index, block_number::text AS block, event, token_id, amount, account, detail
        FROM chain_logs WHERE outcome = 'drift' ORDER BY block_number, log_index LIMIT 100`,
  );
  const stuck = mirror
    ? await rows(
        db,
        sql`SELECT id, kind, status, attempts, last_error, created_at FROM chain_outbox
            WHERE status <> 'confirmed' AND created_at < ${new Date(now.getTime() - mirror.config.stuckAfterMs).toISOString()}
            ORDER BY created_at LIMIT 100`,
      )
    : [];
  const cursor = mirror
    ? await rows(
        db,
        sql`SELECT last_block::text AS b FROM chain_cursor WHERE contract = ${mirror.chain.contract.toLowerCase()}`,
      )
    : [];
  return {
    enabled: mirror !== undefined,
    worker: mirror?.role ?? null,
    chainId: mirror?.chain.chainId ?? null,
    contract: mirror?.chain.contract ?? null,
    bridgeAddress: mirror?.chain.account.address ?? null,
    lastBlockSeen: cursor[0] ? Number(big(cursor[0].b)) : null,
    outboxPending: Number(count?.n ?? 0),
    pending: pending.map((p) => ({
      id: str(p.id),
      kind: str(p.kind),
      status: str(p.status),
      attempts: Number(p.attempts),
      lastError: strOrNull(p.last_error),
      nextAttemptAt: date(p.next_attempt_at).toISOString(),
    })),
    drift: [
      ...supply.map((d) => ({
        kind: "supply",
        tokenId: str(d.token_id),
        onChain: str(d.on_chain),
        expected: str(d.expected),
        ledgerTokenized: str(d.ledger_tokenized),
        pending: str(d.pending),
        blockNumber: Number(big(d.block_number)),
      })),
      ...logs.map((l) => ({
        kind: "event",
        event: str(l.event),
        txHash: str(l.tx_hash),
        logIndex: Number(l.log_index),
        blockNumber: Number(big(l.block)),
        tokenId: str(l.token_id),
        amount: str(l.amount),
        account: str(l.account),
        detail: strOrNull(l.detail),
      })),
      ...stuck.map((s) => ({
        kind: "stuck_operation",
        operation: str(s.id),
        operationKind: str(s.kind),
        status: str(s.status),
        attempts: Number(s.attempts),
        since: date(s.created_at).toISOString(),
        lastError: strOrNull(s.last_error),
      })),
    ],
  };
}
