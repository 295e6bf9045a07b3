import { sql } from "drizzle-orm";
import {
  BaseError,
  encodeFunctionData,
  type Hex,
  keccak256,
  NonceTooLowError,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
} from "viem";
import { getNodeError } from "viem/utils";
import { arrayParam, rows } from "../../db/values.js";
import { rootMessage } from "../ledger/core/errors.js";
import { recordMintConfirmed } from "../ledger/ops/chain-events.js";
import type { Deps } from "../ledger/ops/deps.js";
import { getOperation, type TokenOperation } from "../ledger/ops/tokens.js";
import type { MirrorChain } from "./client.js";
import { mirrorAbi } from "./mirror-artifact.js";

export interface WorkerOptions {
  /** How long one worker owns a row before another may take it over (after a crash). */
  leaseMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  receiptTimeoutMs: number;
  /** Where to look for this contract's logs (its deployment block). */
  startBlock: bigint;
}

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  leaseMs: 120_000,
  baseBackoffMs: 1_000,
  maxBackoffMs: 5 * 60_000,
  receiptTimeoutMs: 60_000,
  startBlock: 0n,
};

/** A step that may be interrupted, for tests that kill the worker between two steps. */
export type Step = "signed" | "sent";

/** The stored transaction can never be mined: it reverted, or another transaction took its nonce. Sign anew. */
class SignAgain extends Error {}

/**
 * Sends queued mints and burns. Idempotent at every step: the contract refuses an operation id
 * twice, the signed transaction and its hash are stored before broadcast, and a resumed row first
 * asks the chain whether its operation already happened. RPC failures and reverts are retried with
 * exponential backoff; nothing is dropped.
 */
export class OutboxWorker {
  constructor(
    private readonly deps: Deps,
    private readonly chain: MirrorChain,
    private readonly options: WorkerOptions = DEFAULT_WORKER_OPTIONS,
    private readonly interrupt?: (step: Step, op: TokenOperation) => void,
  ) {}

  /** Processes every due row at most once (a failed row waits for its backoff); returns how many were confirmed. */
  async runOnce(): Promise<number> {
    let confirmed = 0;
    const seen: string[] = [];
    for (;;) {
      const op = await this.lease(seen);
      if (!op) return confirmed;
      seen.push(op.id);
      if (await this.process(op)) confirmed++;
    }
  }

  private async lease(exclude: readonly string[]): Promise<TokenOperation | undefined> {
    const now = this.deps.clock();
    const until = new Date(now.getTime() + this.options.leaseMs);
    const [row] = await rows(
      this.deps.db,
      sql`UPDATE chain_outbox SET lease_until = ${until.toISOString()}
          WHERE id = (SELECT id FROM chain_outbox
                      WHERE status <> 'confirmed' AND next_attempt_at <= ${now.toISOString()}
                        AND id <> ALL(${arrayParam(exclude, "text")})
                        AND (lease_until IS NULL OR lease_until < ${now.toISOString()})
                      ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
    );
    return row ? getOperation(this.deps.db, String(row.id)) : undefined;
  }

  private async process(op: TokenOperation): Promise<boolean> {
    try {
      const done = await this.alreadyOnChain(op);
      if (done) return await this.confirm(op, done.txHash, done.blockNumber);
      const stored = await this.storedRaw(op.id);
      if (op.txHash && stored) {
        const receipt = await this.receipt(op.txHash as Hex);
        if (receipt?.status === "reverted") throw new SignAgain(`transaction ${op.txHash} reverted`);
        if (receipt) return await this.confirm(op, receipt.transactionHash, receipt.blockNumber);
        await this.broadcast(stored, op.txHash as Hex);
        return await this.await(op, op.txHash as Hex);
      }
      const { raw, hash } = await this.sign(op);
      await this.deps.db.execute(sql`
        UPDATE chain_outbox SET status = 'sent', raw_tx = ${raw}, tx_hash = ${hash}, attempts = attempts + 1,
               updated_at = ${this.deps.clock().toISOString()} WHERE id = ${op.id}`);
      this.interrupt?.("signed", op);
      await this.broadcast(raw, hash);
      this.interrupt?.("sent", op);
      return await this.await(op, hash);
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      await this.retryLater(op, error);
      return false;
    }
  }

  /** The transaction that already carried this operation, if the contract has seen it. */
  private async alreadyOnChain(op: TokenOperation): Promise<{ txHash: Hex; blockNumber: bigint } | undefined> {
    const { publicClient, contract } = this.chain;
    const used = await publicClient.readContract({
      address: contract,
      abi: mirrorAbi,
      functionName: "operationUsed",
      args: [op.opId as Hex],
    });
    if (!used) return undefined;
    // Our own stored transaction is the usual carrier; searching logs is the fallback, since public
    // RPCs limit how many blocks one log query may span.
    const stored = op.txHash ? await this.receipt(op.txHash as Hex) : undefined;
    if (stored?.status === "success") return { txHash: stored.transactionHash, blockNumber: stored.blockNumber };
    const logs = await publicClient.getContractEvents({
      address: contract,
      abi: mirrorAbi,
      eventName: op.kind === "mint" ? "Minted" : "Burned",
      args: { opId: op.opId as Hex },
      fromBlock: this.options.startBlock,
      toBlock: "latest",
    });
    const [log] = logs;
    if (!log?.transactionHash || log.blockNumber === null)
      throw new Error(`operation ${op.opId} is used but its log is missing`);
    return { txHash: log.transactionHash, blockNumber: log.blockNumber };
  }

  private async storedRaw(id: string): Promise<Hex | undefined> {
    const [row] = await rows(this.deps.db, sql`SELECT raw_tx FROM chain_outbox WHERE id = ${id}`);
    return typeof row?.raw_tx === "string" ? (row.raw_tx as Hex) : undefined;
  }

  private async sign(op: TokenOperation): Promise<{ raw: Hex; hash: Hex }> {
    const { walletClient, account, contract, publicClient } = this.chain;
    const args = [op.opId as Hex, op.address as Hex, BigInt(op.tokenId), BigInt(op.quantity)] as const;
    const data =
      op.kind === "mint"
        ? encodeFunctionData({ abi: mirrorAbi, functionName: "mint", args })
        : encodeFunctionData({ abi: mirrorAbi, functionName: "burn", args });
    // Simulating first turns a call the contract would refuse (paused, no approval) into a retry
    // with a reason, instead of a mined revert that costs gas.
    await publicClient.call({ account, to: contract, data });
    const nonce = await publicClient.getTransactionCount({ address: account.address, blockTag: "pending" });
    const request = await walletClient.prepareTransactionRequest({ to: contract, data, nonce, account });
    const raw = await walletClient.signTransaction(request);
    return { raw, hash: keccak256(raw) };
  }

  /**
   * Sends a signed transaction. A node that already has it (a rebroadcast) refuses it, which is
   * success; a nonce another transaction of the bridge key used (another process, a wallet) means
   * this one can never be mined, so the operation is signed again with a fresh nonce.
   */
  private async broadcast(raw: Hex, hash: Hex): Promise<void> {
    try {
      await this.chain.publicClient.sendRawTransaction({ serializedTransaction: raw });
    } catch (error) {
      if (await this.known(hash)) return;
      // A raw send comes back as the node's own error: viem's table of node messages names it.
      if (error instanceof BaseError && getNodeError(error, {}) instanceof NonceTooLowError) {
        throw new SignAgain(`another transaction used the nonce of ${hash}`, { cause: error });
      }
      throw error;
    }
  }

  private async known(hash: Hex): Promise<boolean> {
    try {
      await this.chain.publicClient.getTransaction({ hash });
      return true;
    } catch (error) {
      if (error instanceof TransactionNotFoundError) return false;
      throw error;
    }
  }

  private async receipt(hash: Hex) {
    try {
      return await this.chain.publicClient.getTransactionReceipt({ hash });
    } catch (error) {
      if (error instanceof TransactionReceiptNotFoundError) return undefined;
      throw error;
    }
  }

  private async await(op: TokenOperation, hash: Hex): Promise<boolean> {
    const receipt = await this.chain.publicClient.waitForTransactionReceipt({
      hash,
      timeout: this.options.receiptTimeoutMs,
    });
    if (receipt.status === "reverted") throw new SignAgain(`transaction ${hash} reverted`);
    return this.confirm(op, receipt.transactionHash, receipt.blockNumber);
  }

  private async confirm(op: TokenOperation, txHash: Hex, blockNumber: bigint): Promise<boolean> {
    if (op.kind === "mint") await recordMintConfirmed(this.deps, op, txHash, blockNumber);
    else {
      await this.deps.db.execute(sql`
        UPDATE chain_outbox SET status = 'confirmed', tx_hash = ${txHash.toLowerCase()}, block_number = ${blockNumber},
               lease_until = NULL, last_error = NULL, updated_at = ${this.deps.clock().toISOString()}
        WHERE id = ${op.id}`);
    }
    this.deps.log.info(
      { operation: op.id, kind: op.kind, txHash, blockNumber: Number(blockNumber) },
      "chain operation confirmed",
    );
    return true;
  }

  private async retryLater(op: TokenOperation, error: unknown): Promise<void> {
    const attempts = op.attempts + 1;
    const delay = Math.min(this.options.maxBackoffMs, this.options.baseBackoffMs * 2 ** Math.min(attempts, 20));
    const next = new Date(this.deps.clock().getTime() + delay);
    const message = rootMessage(error);
    const again = error instanceof SignAgain;
    await this.deps.db.execute(sql`
      UPDATE chain_outbox SET attempts = ${attempts}, next_attempt_at = ${next.toISOString()}, lease_until = NULL,
             last_error = ${message.slice(0, 500)}, updated_at = ${this.deps.clock().toISOString()},
             status = CASE WHEN ${again} THEN 'pending' ELSE status END,
             raw_tx = CASE WHEN ${again} THEN NULL ELSE raw_tx END,
             tx_hash = CASE WHEN ${again} THEN NULL ELSE tx_hash END
      WHERE id = ${op.id}`);
    this.deps.log.warn(
      { operation: op.id, attempts, retryInMs: delay, error: message },
      "chain operation will be retried",
    );
  }
}

/** Thrown by a test's interrupt hook to stop the worker as a crash would. */
export class Interrupted extends Error {}
