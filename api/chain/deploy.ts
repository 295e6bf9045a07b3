import { type Address, createPublicClient, createWalletClient, type Hex, http, type Transport } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { chainFor } from "./client.js";
import { mirrorAbi, mirrorBytecode } from "./mirror-artifact.js";

/**
 * Deploys the mirror contract. The deployer becomes admin; the bridge role goes to `bridge`
 * (the key the service signs with; the deployer by default). Token metadata points at `baseUri`.
 */
export async function deployMirror(options: {
  transport?: Transport;
  rpcUrl?: string;
  privateKey: Hex;
  bridge?: Address | undefined;
  baseUri: string;
}): Promise<{ contract: Address; chainId: number; blockNumber: bigint; txHash: Hex }> {
  const transport = options.transport ?? http(options.rpcUrl, { retryCount: 2 });
  const probe = createPublicClient({ transport });
  const chainId = await probe.getChainId();
  const chain = chainFor(chainId);
  const account = privateKeyToAccount(options.privateKey);
  const wallet = createWalletClient({ chain, account, transport });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 500 });
  const txHash = await wallet.deployContract({
    abi: mirrorAbi,
    bytecode: mirrorBytecode,
    args: [account.address, options.bridge ?? account.address, options.baseUri],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash, timeout: 180_000 });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deployment ${txHash} failed`);
  return { contract: receipt.contractAddress, chainId, blockNumber: receipt.blockNumber, txHash };
}
