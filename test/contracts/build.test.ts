import type { Abi } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { mirrorAbi, mirrorBytecode } from "../../api/chain/mirror-artifact.js";
import { buildMirror, createProjectHre, type MirrorBuild } from "../../scripts/export-mirror-artifact.js";

// The surface the ledger's relayer and the later implementation both code against: a change
// here breaks them, so every item is pinned with parameter names, indexed flags and mutability.
const mirrorSurface = [
  "event Minted(bytes32 indexed opId, address indexed to, uint256 indexed id, uint256 amount)",
  "event Burned(bytes32 indexed opId, address indexed from, uint256 indexed id, uint256 amount)",
  "event Retired(address indexed holder, uint256 indexed id, uint256 amount, string beneficiary, string purpose)",
  "event Anchored(bytes32 indexed root, uint64 fromSeq, uint64 toSeq)",
  "error MirrorOperationReplayed(bytes32 opId)",
  "error MirrorZeroAmount(uint256 id)",
  "error MirrorEmptyBatch()",
  "error MirrorBeneficiaryTooLong(uint256 length, uint256 maxLength)",
  "error MirrorPurposeTooLong(uint256 length, uint256 maxLength)",
  "error MirrorInvalidRange(uint64 fromSeq, uint64 toSeq)",
  "function mint(bytes32 opId, address to, uint256 id, uint256 amount) nonpayable",
  "function burn(bytes32 opId, address from, uint256 id, uint256 amount) nonpayable",
  "function mintBatch(bytes32 opId, address to, uint256[] ids, uint256[] amounts) nonpayable",
  "function burnBatch(bytes32 opId, address from, uint256[] ids, uint256[] amounts) nonpayable",
  "function retire(uint256 id, uint256 amount, string beneficiary, string purpose) nonpayable",
  "function anchor(bytes32 root, uint64 fromSeq, uint64 toSeq) nonpayable",
  "function operationUsed(bytes32 opId) view returns (bool)",
  // Inherited from OpenZeppelin's IERC1155: wallets and explorers must see a standard token.
  "function balanceOf(address account, uint256 id) view returns (uint256)",
  "function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data) nonpayable",
];

interface Param {
  type: string;
  name?: string | undefined;
  indexed?: boolean | undefined;
}

const params = (list: readonly Param[]): string =>
  list.map((p) => [p.type, p.indexed ? "indexed" : "", p.name ?? ""].filter(Boolean).join(" ")).join(", ");

/** Renders an ABI item the way the mirror surface above is written, so the two compare as strings. */
function signature(item: Abi[number]): string {
  switch (item.type) {
    case "function": {
      const returns = item.outputs.length > 0 ? ` returns (${params(item.outputs)})` : "";
      return `function ${item.name}(${params(item.inputs)}) ${item.stateMutability}${returns}`;
    }
    case "event":
    case "error":
      return `${item.type} ${item.name}(${params(item.inputs)})`;
    default:
      return item.type;
  }
}

describe("Solidity build", () => {
  let signatures: string[];
  let mirror: MirrorBuild;

  beforeAll(async () => {
    const hre = await createProjectHre();
    // Forced so that a warm cache cannot hide a compiler setup that would need the network.
    mirror = await buildMirror(hre, { force: true });
    const abi: Abi = (await hre.artifacts.readArtifact("IJcmCreditMirror")).abi;
    signatures = abi.map(signature);
  }, 120_000);

  it.each(mirrorSurface)("IJcmCreditMirror exposes %s", (expected) => {
    expect(signatures).toContain(expected);
  });

  it.each(mirrorSurface)("JcmCreditMirror implements %s", (expected) => {
    expect(mirror.abi.map(signature)).toContain(expected);
  });

  // The service deploys and calls the committed copy; a stale one would put old code on chain.
  it("the committed api/chain/mirror-artifact.ts equals a fresh build (else run `npm run chain:artifact`)", () => {
    expect(mirrorAbi).toEqual(mirror.abi);
    expect(mirrorBytecode).toBe(mirror.bytecode);
  });
});
