import {
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

/** A connection to the mirror contract: read through `publicClient`, sign with the bridge key. */
export interface MirrorChain {
  chainId: number;
  contract: Address;
  account: PrivateKeyAccount;
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, PrivateKeyAccount>;
}

/** A minimal chain description for viem's signing, for any chain id (testnets need no registry entry). */
export function chainFor(chainId: number, rpcUrl?: string): Chain {
  return defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: rpcUrl ? [rpcUrl] : [] } },
  });
}

export async function connectMirror(options: {
  transport: Transport;
  privateKey: Hex;
  contract: Address;
  pollingIntervalMs: number;
}): Promise<MirrorChain> {
  const probe = createPublicClient({ transport: options.transport });
  const chainId = await probe.getChainId();
  const chain = chainFor(chainId);
  const account = privateKeyToAccount(options.privateKey);
  return {
    chainId,
    contract: options.contract,
    account,
    chain,
    // No cached block number: the listener must see the chain's head as it is now.
    publicClient: createPublicClient({
      chain,
      transport: options.transport,
      cacheTime: 0,
      pollingInterval: options.pollingIntervalMs,
    }),
    walletClient: createWalletClient({ chain, account, transport: options.transport }),
  };
}
