import { type Address, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { chainFor } from "../api/chain/client.js";
import { mirrorAbi } from "../api/chain/mirror-artifact.js";
import { settingErrors } from "../api/config.js";

/**
 * A holder's side of the mirror, for demos and testnets: what a buyer's wallet would do.
 * The key is WALLET_PRIVATE_KEY, or WALLET_DEV_ACCOUNT=n for account n of Hardhat's public test
 * mnemonic (local node only; those keys are public).
 */
export const HARDHAT_TEST_MNEMONIC = "test test test test test test test test test test test junk";

export function devAccount(index: number) {
  return mnemonicToAccount(HARDHAT_TEST_MNEMONIC, { addressIndex: index });
}

export function devPrivateKey(index: number): Hex {
  const key = devAccount(index).getHdKey().privateKey;
  if (!key) throw new Error(`no key for development account ${index}`);
  return `0x${Buffer.from(key).toString("hex")}`;
}

const Env = z.object({
  CHAIN_RPC_URL: z.url(),
  MIRROR_CONTRACT: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  WALLET_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/)
    .optional(),
  WALLET_DEV_ACCOUNT: z.coerce.number().int().min(0).max(19).optional(),
});

export const WALLET_USAGE = `  wallet address
  wallet balance <tokenId> [address]
  wallet transfer <tokenId> <amount> <toAddress>
  wallet retire <tokenId> <amount> <beneficiary> <purpose>
  wallet approve-bridge <bridgeAddress>`;

export async function wallet(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    console.error(
      `wallet needs CHAIN_RPC_URL, MIRROR_CONTRACT and WALLET_PRIVATE_KEY or WALLET_DEV_ACCOUNT:\n${settingErrors(parsed.error)}`,
    );
    return 2;
  }
  const e = parsed.data;
  const account =
    e.WALLET_PRIVATE_KEY !== undefined
      ? privateKeyToAccount(e.WALLET_PRIVATE_KEY as Hex)
      : privateKeyToAccount(devPrivateKey(e.WALLET_DEV_ACCOUNT ?? 1));
  const transport = http(e.CHAIN_RPC_URL);
  const chainId = await createPublicClient({ transport }).getChainId();
  const chain = chainFor(chainId, e.CHAIN_RPC_URL);
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 500 });
  const walletClient = createWalletClient({ chain, account, transport });
  const address = e.MIRROR_CONTRACT as Address;
  const write = async (
    functionName: "safeTransferFrom" | "retire" | "setApprovalForAll",
    fnArgs: readonly unknown[],
  ) => {
    const hash = await walletClient.writeContract({ address, abi: mirrorAbi, functionName, args: fnArgs as never });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    console.log(JSON.stringify({ txHash: hash, status: receipt.status, blockNumber: Number(receipt.blockNumber) }));
    return receipt.status === "success" ? 0 : 1;
  };
  const [command, ...rest] = args;
  switch (command) {
    case "address":
      console.log(account.address);
      return 0;
    case "balance": {
      const [tokenId, who] = rest;
      if (!tokenId) break;
      const balance = await publicClient.readContract({
        address,
        abi: mirrorAbi,
        functionName: "balanceOf",
        args: [(who ?? account.address) as Address, BigInt(tokenId)],
      });
      console.log(String(balance));
      return 0;
    }
    case "transfer": {
      const [tokenId, amount, to] = rest;
      if (!tokenId || !amount || !to) break;
      return write("safeTransferFrom", [account.address, to, BigInt(tokenId), BigInt(amount), "0x"]);
    }
    case "retire": {
      const [tokenId, amount, beneficiary, purpose] = rest;
      if (!tokenId || !amount || beneficiary === undefined || purpose === undefined) break;
      return write("retire", [BigInt(tokenId), BigInt(amount), beneficiary, purpose]);
    }
    case "approve-bridge": {
      const [bridge] = rest;
      if (!bridge) break;
      return write("setApprovalForAll", [bridge, true]);
    }
  }
  console.error(`Usage:\n${WALLET_USAGE}`);
  return 2;
}
