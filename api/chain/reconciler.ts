import { sql } from "drizzle-orm";
import { big, rows, str } from "../../db/values.js";
import type { Deps } from "../ledger/ops/deps.js";
import { transact } from "../ledger/store/transact.js";
import type { MirrorChain } from "./client.js";
import { mirrorAbi } from "./mirror-artifact.js";

export interface SupplyDrift {
  tokenId: string;
  onChain: string;
  expected: string;
  ledgerTokenized: string;
  pending: string;
  blockNumber: number;
}

/**
 * Compares `totalSupply(id)` with what the ledger says is on chain, per token id, at the block the
 * listener has ingested up to (so retires and burns up to it are already in the ledger). Mints not
 * yet confirmed by that block are pending, not drift. Every difference is stored for `GET /v1/chain`.
 */
export async function reconcile(deps: Deps, chain: MirrorChain, atBlock: bigint): Promise<SupplyDrift[]> {
  const ledger = await rows(
    deps.db,
    sql`WITH ids AS (
          SELECT issuance_id FROM segments WHERE state = 'tokenized'
          UNION SELECT issuance_id FROM chain_outbox
          UNION SELECT token_id::bigint FROM chain_logs WHERE token_id ~ '^[0-9]{1,18}$')
        SELECT ids.issuance_id::text AS id,
          (SELECT coalesce(sum(upper(serials) - lower(serials)), 0) FROM segments s
            WHERE s.issuance_id = ids.issuance_id AND s.state = 'tokenized')::text AS tokenized,
          (SELECT coalesce(sum(quantity), 0) FROM chain_outbox o
            WHERE o.issuance_id = ids.issuance_id AND o.kind = 'mint'
              AND NOT (o.status = 'confirmed' AND o.block_number <= ${atBlock}))::text AS pending
        FROM ids ORDER BY ids.issuance_id`,
  );
  const drift: SupplyDrift[] = [];
  for (const r of ledger) {
    const tokenId = big(r.id);
    const onChain = await chain.publicClient.readContract({
      address: chain.contract,
      abi: mirrorAbi,
      functionName: "totalSupply",
      args: [tokenId],
      blockNumber: atBlock,
    });
    const expected = big(r.tokenized) - big(r.pending);
    if (onChain !== expected) {
      drift.push({
        tokenId: str(r.id),
        onChain: onChain.toString(),
        expected: expected.toString(),
        ledgerTokenized: str(r.tokenized),
        pending: str(r.pending),
        blockNumber: Number(atBlock),
      });
    }
  }
  const at = deps.clock().toISOString();
  await transact(deps.db, async (tx) => {
    await tx.execute(sql`DELETE FROM chain_drift`);
    for (const d of drift) {
      await tx.execute(sql`
        INSERT INTO chain_drift (token_id, on_chain, expected, ledger_tokenized, pending, block_number, checked_at)
        VALUES (${d.tokenId}, ${d.onChain}, ${d.expected}, ${d.ledgerTokenized}, ${d.pending}, ${atBlock}, ${at})`);
    }
  });
  if (drift.length > 0) deps.log.error({ drift }, "on-chain supply differs from the ledger");
  return drift;
}
