import { spawn } from "node:child_process";
import { createPublicClient, http } from "viem";
import { deployMirror } from "../api/chain/deploy.js";
import { devAccount, devPrivateKey } from "./wallet.js";

/**
 * `npm run chain`: a local Hardhat node on 127.0.0.1:8545 with the mirror deployed, and the
 * settings to point the service at it. Runs until interrupted.
 */
const RPC = "http://127.0.0.1:8545";
const baseUri = `${(process.env.PUBLIC_BASE_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "")}/v1/tokens/`;

const node = spawn("node_modules/.bin/hardhat", ["node", "--hostname", "127.0.0.1", "--port", "8545"], {
  stdio: ["ignore", "ignore", "inherit"],
});
const stop = () => {
  node.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
node.on("exit", (code) => process.exit(code ?? 0));

const client = createPublicClient({ transport: http(RPC, { retryCount: 0 }) });
for (let i = 0; ; i++) {
  try {
    await client.getChainId();
    break;
  } catch (error) {
    if (i > 120) {
      console.error(`the Hardhat node did not answer on ${RPC}: ${String(error)}`);
      stop();
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const bridgeKey = devPrivateKey(0);
const deployed = await deployMirror({ rpcUrl: RPC, privateKey: bridgeKey, baseUri });
console.log(`Hardhat node on ${RPC} (chain ${deployed.chainId}); mirror contract ${deployed.contract}.

Start the service against it (another terminal):

  CHAIN_RPC_URL=${RPC} CHAIN_PRIVATE_KEY=${bridgeKey} MIRROR_CONTRACT=${deployed.contract} CHAIN_CONFIRMATIONS=0 npm start

Development accounts (public keys of Hardhat's test mnemonic; never use them elsewhere):
${[0, 1, 2, 3].map((i) => `  #${i} ${devAccount(i).address}${i === 0 ? "  (bridge and admin)" : ""}`).join("\n")}

A holder's wallet: MIRROR_CONTRACT=${deployed.contract} CHAIN_RPC_URL=${RPC} WALLET_DEV_ACCOUNT=1 npm run cli -- wallet …
Press Ctrl-C to stop the node.`);
console.log(JSON.stringify({ contract: deployed.contract, chainId: deployed.chainId, rpcUrl: RPC }));
