import { sql } from "drizzle-orm";
import type { Hex } from "viem";
import { rows, str } from "../../db/values.js";
import type { Deps } from "../ledger/ops/deps.js";
import type { MirrorChain } from "./client.js";
import { mirrorAbi } from "./mirror-artifact.js";

/**
 * Anchors sealed journal roots on chain with the contract's `anchor`, oldest first. An anchor
 * only emits an event, so a repeat after a crash costs gas but changes nothing.
 */
export async function anchorPendingRoots(deps: Deps, chain: MirrorChain, limit = 5): Promise<number> {
  const pending = await rows(
    deps.db,
    sql`SELECT id::text AS id, root, from_seq::text AS from_seq, to_seq::text AS to_seq FROM journal_roots
        WHERE anchor_tx_hash IS NULL ORDER BY journal_roots.id LIMIT ${limit}`,
  );
  for (const r of pending) {
    const hash = await chain.walletClient.writeContract({
      address: chain.contract,
      abi: mirrorAbi,
      functionName: "anchor",
      args: [`0x${str(r.root)}` as Hex, BigInt(str(r.from_seq)), BigInt(str(r.to_seq))],
    });
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash, timeout: 120_000 });
    if (receipt.status !== "success") throw new Error(`anchor of root ${str(r.id)} reverted in ${hash}`);
    await deps.db.execute(sql`
      UPDATE journal_roots SET anchor_chain_id = ${chain.chainId}, anchor_contract = ${chain.contract.toLowerCase()},
             anchor_tx_hash = ${hash.toLowerCase()}, anchor_block = ${receipt.blockNumber}
      WHERE id = ${BigInt(str(r.id))}`);
    deps.log.info({ root: str(r.root), txHash: hash }, "journal root anchored");
  }
  return pending.length;
}
