/**
 * Gas used by the mirror's common operations, measured on Hardhat's in-process network against
 * the committed artifact (the bytecode the service deploys). Run directly to print the figures:
 * `npx tsx scripts/bench-gas.ts`.
 */
import { pathToFileURL } from "node:url";
import { type Hash, keccak256, stringToHex } from "viem";
import { mirrorAbi, mirrorBytecode } from "../api/chain/mirror-artifact.js";
import { createProjectHre } from "./export-mirror-artifact.js";

export interface GasFigure {
  name: string;
  gas: number;
}

const op = (label: string): Hash => keccak256(stringToHex(label));

/**
 * Deploys a mirror on a fresh in-process network and returns the gas each operation used. Mints
 * go to ids with no supply yet, as a mirror minting each issuance once mostly does: the costlier
 * case, since every balance and supply slot goes from zero to non-zero. Retire and burn then take
 * part of a balance, leaving it non-zero.
 */
export async function measureMirrorGas(): Promise<GasFigure[]> {
  const hre = await createProjectHre();
  const conn = await hre.network.create();
  try {
    const publicClient = await conn.viem.getPublicClient();
    const [admin, bridge, holder] = await conn.viem.getWalletClients();
    if (admin === undefined || bridge === undefined || holder === undefined) {
      throw new Error("the in-process network should provide at least three accounts");
    }
    const deployHash = await admin.deployContract({
      abi: mirrorAbi,
      bytecode: mirrorBytecode,
      args: [admin.account.address, bridge.account.address, "http://127.0.0.1:8787/v1/tokens/"],
    });
    const { contractAddress, gasUsed: deployGas } = await publicClient.waitForTransactionReceipt({ hash: deployHash });
    if (contractAddress === null || contractAddress === undefined) throw new Error("deployment produced no address");
    const address = contractAddress;

    const gasOf = async (sent: Promise<Hash>): Promise<number> => {
      const receipt = await publicClient.waitForTransactionReceipt({ hash: await sent });
      if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
      return Number(receipt.gasUsed);
    };
    const asBridge = { address, abi: mirrorAbi } as const;
    const holderAddress = holder.account.address;

    const mint = await gasOf(
      bridge.writeContract({ ...asBridge, functionName: "mint", args: [op("mint"), holderAddress, 1n, 100n] }),
    );
    const ids = Array.from({ length: 10 }, (_, i) => 1_000n + BigInt(i));
    const mintBatch = await gasOf(
      bridge.writeContract({
        ...asBridge,
        functionName: "mintBatch",
        args: [op("mintBatch"), holderAddress, ids, ids.map(() => 100n)],
      }),
    );
    const retire = await gasOf(
      holder.writeContract({
        ...asBridge,
        functionName: "retire",
        args: [1n, 10n, "Acme Corp.", "FY2025 Scope 1 offset"],
      }),
    );
    // Approval is the holder's one-off consent, measured apart from the burn it enables.
    await gasOf(
      holder.writeContract({ ...asBridge, functionName: "setApprovalForAll", args: [bridge.account.address, true] }),
    );
    const burn = await gasOf(
      bridge.writeContract({ ...asBridge, functionName: "burn", args: [op("burn"), holderAddress, 1n, 10n] }),
    );

    return [
      { name: "mint (1 id)", gas: mint },
      { name: "mintBatch (10 ids)", gas: mintBatch },
      { name: "retire", gas: retire },
      { name: "burn", gas: burn },
      { name: "deploy", gas: Number(deployGas) },
    ];
  } finally {
    await conn.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await measureMirrorGas();
  const width = Math.max(...figures.map((f) => f.name.length));
  console.log(`${"operation".padEnd(width)}  gas`);
  for (const { name, gas } of figures) console.log(`${name.padEnd(width)}  ${gas.toLocaleString("en-US")}`);
  console.log(JSON.stringify(figures));
}
