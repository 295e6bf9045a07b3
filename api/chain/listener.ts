import { sql } from "drizzle-orm";
import { big, rows } from "../../db/values.js";
import { applyBurned, applyRetired, type LogOutcome } from "../ledger/ops/chain-events.js";
import type { Deps } from "../ledger/ops/deps.js";
import type { MirrorChain } from "./client.js";
import { mirrorAbi } from "./mirror-artifact.js";

export interface ListenerOptions {
  /** Blocks a log must be buried under before it is ingested: the reorg depth we tolerate. */
  confirmations: number;
  /** First block to scan when no cursor is stored (the contract's deployment block). */
  startBlock: bigint;
  /** Largest block span asked of the RPC in one `eth_getLogs`. */
  chunk: bigint;
}

export interface PollResult {
  from: bigint;
  to: bigint;
  outcomes: LogOutcome[];
}

/**
 * Follows `Retired` and `Burned` from a block cursor stored in the database. A log is applied in
 * the same transaction that records it by `txHash:logIndex`, so a log seen twice (a rescan after
 * a crash, an overlapping poll) changes nothing the second time.
 */
export class ChainListener {
  constructor(
    private readonly deps: Deps,
    private readonly chain: MirrorChain,
    private readonly options: ListenerOptions,
  ) {}

  async cursor(): Promise<bigint | undefined> {
    const [row] = await rows(
      this.deps.db,
      sql`SELECT last_block::text AS b FROM chain_cursor WHERE contract = ${this.chain.contract.toLowerCase()}`,
    );
    return row ? big(row.b) : undefined;
  }

  private async saveCursor(block: bigint): Promise<void> {
    const at = this.deps.clock().toISOString();
    await this.deps.db.execute(sql`
      INSERT INTO chain_cursor (contract, chain_id, last_block, updated_at)
      VALUES (${this.chain.contract.toLowerCase()}, ${this.chain.chainId}, ${block}, ${at})
      ON CONFLICT (contract) DO UPDATE SET last_block = GREATEST(chain_cursor.last_block, excluded.last_block),
                                          updated_at = excluded.updated_at`);
  }

  /** The chain's head at this process's last poll (undefined until it polls: only the leader does). */
  lastHead: bigint | undefined;

  async pollOnce(): Promise<PollResult> {
    const last = (await this.cursor()) ?? this.options.startBlock - 1n;
    const head = await this.chain.publicClient.getBlockNumber();
    this.lastHead = head;
    const safe = head - BigInt(this.options.confirmations);
    const outcomes: LogOutcome[] = [];
    let from = last + 1n;
    const start = from;
    while (from <= safe) {
      const to = from + this.options.chunk - 1n < safe ? from + this.options.chunk - 1n : safe;
      const logs = await this.chain.publicClient.getContractEvents({
        address: this.chain.contract,
        abi: mirrorAbi,
        fromBlock: from,
        toBlock: to,
        strict: true,
      });
      const times = new Map<bigint, Date>();
      const sorted = [...logs].sort((a, b) =>
        a.blockNumber === b.blockNumber
          ? (a.logIndex ?? 0) - (b.logIndex ?? 0)
          : a.blockNumber < b.blockNumber
            ? -1
            : 1,
      );
      for (const log of sorted) {
        if (log.eventName !== "Retired" && log.eventName !== "Burned") continue;
        let blockTime = times.get(log.blockNumber);
        if (!blockTime) {
          const block = await this.chain.publicClient.getBlock({ blockNumber: log.blockNumber });
          blockTime = new Date(Number(block.timestamp) * 1000);
          times.set(log.blockNumber, blockTime);
        }
        const base = { txHash: log.transactionHash, logIndex: log.logIndex, blockNumber: log.blockNumber, blockTime };
        const outcome =
          log.eventName === "Retired"
            ? await applyRetired(this.deps, {
                ...base,
                holder: log.args.holder,
                tokenId: log.args.id,
                amount: log.args.amount,
                beneficiary: log.args.beneficiary,
                purpose: log.args.purpose,
              })
            : await applyBurned(this.deps, {
                ...base,
                opId: log.args.opId,
                from: log.args.from,
                tokenId: log.args.id,
                amount: log.args.amount,
              });
        if (outcome.outcome === "drift") {
          this.deps.log.error(
            { txHash: log.transactionHash, logIndex: log.logIndex, detail: outcome.detail },
            "chain drift",
          );
        }
        outcomes.push(outcome);
      }
      await this.saveCursor(to);
      from = to + 1n;
    }
    return { from: start, to: from - 1n, outcomes };
  }
}
