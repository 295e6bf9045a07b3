import {
  type Address,
  createPublicClient,
  createWalletClient,
  custom,
  type EIP1193RequestFn,
  type Hex,
  type Transport,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { chainFor } from "../../api/chain/client.js";
import { mirrorAbi, mirrorBytecode } from "../../api/chain/mirror-artifact.js";
import { createProjectHre } from "../../scripts/export-mirror-artifact.js";

/**
 * The first development key of Hardhat's network (mnemonic "test test … junk"), used as the
 * bridge because the service signs locally; never used on a real chain. Other parties are the
 * node's own unlocked accounts.
 */
export const BRIDGE_DEV_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export interface TestChain {
  /** A transport to the in-process network that a test can cut, as an RPC outage would. */
  transport: Transport;
  setDown(down: boolean): void;
  contract: Address;
  bridgeKey: Hex;
  address(i: number): Address;
  /** Calls the contract as dev account `i` and waits for the receipt. */
  send(
    i: number,
    functionName: string,
    args: readonly unknown[],
  ): Promise<{ hash: Hex; status: "success" | "reverted" }>;
  read<T>(functionName: string, args: readonly unknown[]): Promise<T>;
  close(): Promise<void>;
}

/** A fresh in-process Hardhat network with the mirror contract deployed by the committed artifact. */
export async function testChain(baseUri = "http://bridge.test/v1/tokens/"): Promise<TestChain> {
  const conn = await (await createProjectHre()).network.create();
  let down = false;
  const request: EIP1193RequestFn = async (args) => {
    if (down) throw new Error("fetch failed: connect ECONNREFUSED 127.0.0.1:8545");
    return conn.provider.request(args as Parameters<typeof conn.provider.request>[0]) as never;
  };
  const transport = custom({ request }, { retryCount: 0 });
  const publicClient = createPublicClient({ transport });
  const bridge = privateKeyToAccount(BRIDGE_DEV_KEY);
  const unlocked = (await conn.provider.request({ method: "eth_accounts" })) as Address[];
  const addresses = [bridge.address, ...unlocked.filter((a) => a.toLowerCase() !== bridge.address.toLowerCase())];
  const addressOf = (i: number): Address => {
    const a = addresses[i];
    if (!a) throw new Error(`no development account ${i}`);
    return a;
  };
  const chainId = await publicClient.getChainId();
  const chain = chainFor(chainId);
  const wallet = (i: number) => createWalletClient({ account: i === 0 ? bridge : addressOf(i), chain, transport });
  const deployHash = await wallet(0).deployContract({
    abi: mirrorAbi,
    bytecode: mirrorBytecode,
    args: [bridge.address, bridge.address, baseUri],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash: deployHash });
  const contract = receipt.contractAddress as Address;
  return {
    transport,
    setDown: (value) => {
      down = value;
    },
    contract,
    bridgeKey: BRIDGE_DEV_KEY,
    address: addressOf,
    async send(i, functionName, args) {
      const hash = await wallet(i).writeContract({
        address: contract,
        abi: mirrorAbi,
        functionName: functionName as never,
        args: args as never,
      });
      const r = await publicClient.waitForTransactionReceipt({ hash });
      return { hash, status: r.status };
    },
    async read<T>(functionName: string, args: readonly unknown[]) {
      return (await publicClient.readContract({
        address: contract,
        abi: mirrorAbi,
        functionName: functionName as never,
        args: args as never,
      })) as T;
    },
    close: () => conn.close(),
  };
}
