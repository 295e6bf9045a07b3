import { createPublicClient, type Hex, http, parseEventLogs, type Transport } from "viem";
import { rootMessage } from "../ledger/core/errors.js";
import type { CertifiedClaim, VerificationStep } from "../ledger/journal/certificate.js";
import { mirrorAbi } from "./mirror-artifact.js";

/**
 * Checks on chain that the certificate's root was anchored by its contract over a range holding the
 * entry. A chain that cannot be asked fails this step with the reason; it never throws.
 */
export async function verifyAnchor(claim: CertifiedClaim, rpc: string | Transport): Promise<VerificationStep> {
  try {
    return await checkAnchor(claim, rpc);
  } catch (error) {
    const where = typeof rpc === "string" ? ` at ${rpc}` : "";
    return { step: "anchor", ok: false, detail: `the chain${where} could not be asked: ${rootMessage(error)}` };
  }
}

async function checkAnchor(claim: CertifiedClaim, rpc: string | Transport): Promise<VerificationStep> {
  const { anchor, root, journalSeq } = claim.certificate;
  if (!anchor || !root) return { step: "anchor", ok: false, detail: "the certificate names no on-chain anchor yet" };
  const client = createPublicClient({
    transport: typeof rpc === "string" ? http(rpc, { retryCount: 1, timeout: 15_000 }) : rpc,
  });
  const chainId = await client.getChainId();
  if (chainId !== anchor.chainId) {
    return {
      step: "anchor",
      ok: false,
      detail: `the RPC serves chain ${chainId}, the anchor is on chain ${anchor.chainId}`,
    };
  }
  const receipt = await client.getTransactionReceipt({ hash: anchor.txHash as Hex }).catch(() => undefined);
  if (!receipt) return { step: "anchor", ok: false, detail: `transaction ${anchor.txHash} is not on chain ${chainId}` };
  const anchored = parseEventLogs({ abi: mirrorAbi, logs: receipt.logs, eventName: "Anchored" }).find(
    (log) =>
      log.address.toLowerCase() === anchor.contract.toLowerCase() &&
      log.args.root.toLowerCase() === `0x${root}` &&
      log.args.fromSeq <= BigInt(journalSeq) &&
      BigInt(journalSeq) <= log.args.toSeq,
  );
  return anchored
    ? {
        step: "anchor",
        ok: true,
        detail: `root anchored by ${anchor.contract} in block ${receipt.blockNumber} of chain ${chainId} (tx ${anchor.txHash})`,
      }
    : {
        step: "anchor",
        ok: false,
        detail: `transaction ${anchor.txHash} does not anchor root ${root} over entry ${journalSeq}`,
      };
}
