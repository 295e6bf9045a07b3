import type { NetworkConnection } from "hardhat/types/network";
import {
  type Address,
  BaseError,
  type ContractErrorArgs,
  type ContractErrorName,
  ContractFunctionRevertedError,
  decodeErrorResult,
  encodeDeployData,
  getAddress,
  getContract,
  type Hash,
  type Hex,
  isHex,
  keccak256,
  parseEventLogs,
  stringToHex,
  type TransactionReceipt,
  zeroAddress,
  zeroHash,
} from "viem";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mirrorAbi, mirrorBytecode } from "../../api/chain/mirror-artifact.js";
import { createProjectHre } from "../../scripts/export-mirror-artifact.js";

// The contract under test is the committed artifact the service deploys, not a build made here:
// no compiler run per file, and build.test.ts fails whenever that artifact and the sources differ.

const hre = await createProjectHre();

const BASE_URI = "http://127.0.0.1:8787/v1/tokens/";
const BRIDGE_ROLE = keccak256(stringToHex("BRIDGE_ROLE"));
const DEFAULT_ADMIN_ROLE = zeroHash;

/** A ledger operation id, derived from a readable label so failures point at the step. */
const op = (label: string): Hash => keccak256(stringToHex(label));

async function deployMirror(conn: NetworkConnection) {
  const publicClient = await conn.viem.getPublicClient();
  const [admin, bridge, alice, bob] = await conn.viem.getWalletClients();
  if (admin === undefined || bridge === undefined || alice === undefined || bob === undefined) {
    throw new Error("the in-process network should provide at least four accounts");
  }
  const hash = await admin.deployContract({
    abi: mirrorAbi,
    bytecode: mirrorBytecode,
    args: [admin.account.address, bridge.account.address, BASE_URI],
  });
  const { contractAddress } = await publicClient.waitForTransactionReceipt({ hash });
  if (contractAddress === null || contractAddress === undefined) {
    throw new Error("deployment produced no contract address");
  }
  const address: Address = contractAddress;
  const as = (wallet: typeof admin) =>
    getContract({ address, abi: mirrorAbi, client: { public: publicClient, wallet } });
  return {
    conn,
    publicClient,
    address,
    // Checksummed, as decoded events and errors are; Hardhat's wallets report lower case.
    accounts: {
      admin: getAddress(admin.account.address),
      bridge: getAddress(bridge.account.address),
      alice: getAddress(alice.account.address),
      bob: getAddress(bob.account.address),
    },
    admin: as(admin),
    bridge: as(bridge),
    alice: as(alice),
    bob: as(bob),
    /** Waits for a sent transaction and requires that it succeeded. */
    async mined(sent: Promise<Hash>): Promise<TransactionReceipt> {
      const receipt = await publicClient.waitForTransactionReceipt({ hash: await sent });
      expect(receipt.status).toBe("success");
      return receipt;
    },
  };
}

type Mirror = Awaited<ReturnType<typeof deployMirror>>;

/** A mirror on its own in-process network for each test, so tests share no state and run in any order. */
function freshMirror(): () => Mirror {
  let mirror: Mirror | undefined;
  beforeEach(async () => {
    mirror = await deployMirror(await hre.network.create());
  });
  afterEach(async () => {
    await mirror?.conn.close();
    mirror = undefined;
  });
  return () => {
    if (mirror === undefined) throw new Error("the mirror is deployed in beforeEach");
    return mirror;
  };
}

type MirrorError = ContractErrorName<typeof mirrorAbi>;

/** Requires that `sent` reverts with the contract's custom error `name`, and with `args` if given. */
async function expectRevert<N extends MirrorError>(
  sent: Promise<unknown>,
  name: N,
  args?: ContractErrorArgs<typeof mirrorAbi, N>,
): Promise<void> {
  const error = await sent.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a revert with ${name}`).toBeInstanceOf(BaseError);
  const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
  expect(revert, `expected a decoded revert with ${name}, got ${String(error)}`).toBeInstanceOf(
    ContractFunctionRevertedError,
  );
  const data = (revert as ContractFunctionRevertedError).data;
  expect(data?.errorName).toBe(name);
  if (args !== undefined) expect(data?.args).toEqual(args);
}

function events<N extends "Minted" | "Burned" | "Retired" | "Anchored" | "BaseUriSet">(
  receipt: TransactionReceipt,
  eventName: N,
) {
  return parseEventLogs({ abi: mirrorAbi, logs: receipt.logs, eventName }).map((log) => log.args);
}

describe("JcmCreditMirror roles", () => {
  const mirror = freshMirror();

  type Caller = Mirror["alice"];
  const bridgeOnly = [
    ["mint", (m: Caller, holder: Address) => m.write.mint([op("roles/mint"), holder, 1n, 1n])],
    ["mintBatch", (m: Caller, holder: Address) => m.write.mintBatch([op("roles/mintBatch"), holder, [1n], [1n]])],
    ["burn", (m: Caller, holder: Address) => m.write.burn([op("roles/burn"), holder, 1n, 1n])],
    ["burnBatch", (m: Caller, holder: Address) => m.write.burnBatch([op("roles/burnBatch"), holder, [1n], [1n]])],
    ["anchor", (m: Caller) => m.write.anchor([zeroHash, 1n, 2n])],
  ] as const;

  it.each(bridgeOnly)("only the bridge may call %s: a holder is refused", async (_name, call) => {
    const { alice, accounts } = mirror();
    await expectRevert(call(alice, accounts.alice), "AccessControlUnauthorizedAccount", [accounts.alice, BRIDGE_ROLE]);
  });

  it.each(bridgeOnly)("only the bridge may call %s: the admin is refused too", async (_name, call) => {
    const { admin, accounts } = mirror();
    await expectRevert(call(admin, accounts.admin), "AccessControlUnauthorizedAccount", [accounts.admin, BRIDGE_ROLE]);
  });

  it("only the admin may pause, unpause or set the base URI", async () => {
    const { bridge, accounts } = mirror();
    const refused = ["AccessControlUnauthorizedAccount", [accounts.bridge, DEFAULT_ADMIN_ROLE]] as const;
    await expectRevert(bridge.write.pause(), ...refused);
    await expectRevert(bridge.write.unpause(), ...refused);
    await expectRevert(bridge.write.setBaseUri(["https://evil.example/"]), ...refused);
  });

  it("a relayer key the admin grants BRIDGE_ROLE to can mint", async () => {
    const { admin, bob, accounts, mined, publicClient, address } = mirror();
    await mined(admin.write.grantRole([BRIDGE_ROLE, accounts.bob]));
    await mined(bob.write.mint([op("roles/new-relayer"), accounts.bob, 5n, 3n]));
    expect(
      await publicClient.readContract({ address, abi: mirrorAbi, functionName: "balanceOf", args: [accounts.bob, 5n] }),
    ).toBe(3n);
  });

  it("refuses a zero admin at deployment, which would leave nobody able to pause", async () => {
    const { publicClient, accounts } = mirror();
    // Simulated with eth_call: a reverted deployment's error data is only decoded on that path.
    const deployment = publicClient.call({
      account: accounts.admin,
      data: encodeDeployData({
        abi: mirrorAbi,
        bytecode: mirrorBytecode,
        args: [zeroAddress, accounts.bridge, BASE_URI],
      }),
    });
    const error = await deployment.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BaseError);
    const raw: unknown = (error as BaseError).walk((e) => isHex((e as { data?: unknown }).data));
    const data = (raw as { data: Hex }).data;
    expect(decodeErrorResult({ abi: mirrorAbi, data })).toMatchObject({
      errorName: "MirrorInvalidAdmin",
      args: [zeroAddress],
    });
  });
});

describe("JcmCreditMirror operation ids", () => {
  const mirror = freshMirror();

  it("mint credits the holder, emits Minted with the exact values and marks the opId used", async () => {
    const { bridge, accounts, mined } = mirror();
    expect(await bridge.read.operationUsed([op("ops/mint")])).toBe(false);
    const receipt = await mined(bridge.write.mint([op("ops/mint"), accounts.alice, 42n, 100n]));
    expect(events(receipt, "Minted")).toEqual([{ opId: op("ops/mint"), to: accounts.alice, id: 42n, amount: 100n }]);
    expect(await bridge.read.operationUsed([op("ops/mint")])).toBe(true);
    expect(await bridge.read.balanceOf([accounts.alice, 42n])).toBe(100n);
    expect(await bridge.read.totalSupply([42n])).toBe(100n);
  });

  it("a replayed opId reverts MirrorOperationReplayed for mint, and mints nothing more", async () => {
    const { bridge, accounts, mined } = mirror();
    await mined(bridge.write.mint([op("ops/replay-mint"), accounts.alice, 7n, 10n]));
    await expectRevert(bridge.write.mint([op("ops/replay-mint"), accounts.alice, 7n, 10n]), "MirrorOperationReplayed", [
      op("ops/replay-mint"),
    ]);
    expect(await bridge.read.totalSupply([7n])).toBe(10n);
  });

  it("a replayed opId reverts MirrorOperationReplayed for mintBatch", async () => {
    const { bridge, accounts, mined } = mirror();
    await mined(bridge.write.mintBatch([op("ops/replay-batch"), accounts.alice, [8n, 9n], [1n, 2n]]));
    await expectRevert(
      bridge.write.mintBatch([op("ops/replay-batch"), accounts.alice, [8n, 9n], [1n, 2n]]),
      "MirrorOperationReplayed",
      [op("ops/replay-batch")],
    );
  });

  it("a replayed opId reverts MirrorOperationReplayed for burn and burnBatch", async () => {
    const { bridge, alice, accounts, mined } = mirror();
    await mined(bridge.write.mint([op("ops/replay-burn/mint"), accounts.alice, 11n, 10n]));
    await mined(alice.write.setApprovalForAll([accounts.bridge, true]));
    await mined(bridge.write.burn([op("ops/replay-burn"), accounts.alice, 11n, 1n]));
    await expectRevert(bridge.write.burn([op("ops/replay-burn"), accounts.alice, 11n, 1n]), "MirrorOperationReplayed", [
      op("ops/replay-burn"),
    ]);
    await mined(bridge.write.burnBatch([op("ops/replay-burnBatch"), accounts.alice, [11n], [1n]]));
    await expectRevert(
      bridge.write.burnBatch([op("ops/replay-burnBatch"), accounts.alice, [11n], [1n]]),
      "MirrorOperationReplayed",
      [op("ops/replay-burnBatch")],
    );
    expect(await bridge.read.balanceOf([accounts.alice, 11n])).toBe(8n);
  });

  it("an opId used by a mint cannot be used by a burn, nor one used by a burn by a mint", async () => {
    const { bridge, alice, accounts, mined } = mirror();
    await mined(alice.write.setApprovalForAll([accounts.bridge, true]));
    await mined(bridge.write.mint([op("ops/cross/mint"), accounts.alice, 12n, 5n]));
    await expectRevert(bridge.write.burn([op("ops/cross/mint"), accounts.alice, 12n, 1n]), "MirrorOperationReplayed", [
      op("ops/cross/mint"),
    ]);
    await mined(bridge.write.burn([op("ops/cross/burn"), accounts.alice, 12n, 1n]));
    await expectRevert(
      bridge.write.mintBatch([op("ops/cross/burn"), accounts.alice, [12n], [1n]]),
      "MirrorOperationReplayed",
      [op("ops/cross/burn")],
    );
  });

  it("a mint that reverts leaves its opId unused, so the relayer can retry it", async () => {
    const { bridge, accounts, mined } = mirror();
    await expectRevert(bridge.write.mint([op("ops/retry"), accounts.alice, 13n, 0n]), "MirrorZeroAmount", [13n]);
    expect(await bridge.read.operationUsed([op("ops/retry")])).toBe(false);
    await mined(bridge.write.mint([op("ops/retry"), accounts.alice, 13n, 1n]));
  });
});

describe("JcmCreditMirror batch mint", () => {
  const mirror = freshMirror();

  it("mints every id to the holder and emits one Minted per id, in order, with the same opId", async () => {
    const { bridge, accounts, mined } = mirror();
    const ids = [101n, 102n, 103n];
    const amounts = [10n, 20n, 30n];
    const receipt = await mined(bridge.write.mintBatch([op("batch/1"), accounts.alice, ids, amounts]));
    expect(events(receipt, "Minted")).toEqual(
      ids.map((id, i) => ({ opId: op("batch/1"), to: accounts.alice, id, amount: amounts[i] })),
    );
    expect(await bridge.read.balanceOfBatch([ids.map(() => accounts.alice), ids])).toEqual(amounts);
    for (const [i, id] of ids.entries()) expect(await bridge.read.totalSupply([id])).toBe(amounts[i]);
  });

  it("refuses an empty batch", async () => {
    const { bridge, accounts } = mirror();
    await expectRevert(bridge.write.mintBatch([op("batch/empty"), accounts.alice, [], []]), "MirrorEmptyBatch");
  });

  it("refuses a zero amount anywhere in the batch, naming its id", async () => {
    const { bridge, accounts } = mirror();
    await expectRevert(
      bridge.write.mintBatch([op("batch/zero"), accounts.alice, [104n, 105n], [1n, 0n]]),
      "MirrorZeroAmount",
      [105n],
    );
  });

  it("refuses ids and amounts of different lengths", async () => {
    const { bridge, accounts } = mirror();
    await expectRevert(
      bridge.write.mintBatch([op("batch/lengths"), accounts.alice, [106n, 107n], [1n]]),
      "ERC1155InvalidArrayLength",
      [2n, 1n],
    );
  });

  it("refuses a single mint of zero tokens", async () => {
    const { bridge, accounts } = mirror();
    await expectRevert(bridge.write.mint([op("batch/single-zero"), accounts.alice, 108n, 0n]), "MirrorZeroAmount", [
      108n,
    ]);
  });
});

describe("JcmCreditMirror bridge burn", () => {
  const mirror = freshMirror();

  it("refuses to burn a holder's tokens without the holder's approval", async () => {
    const { bridge, accounts, mined } = mirror();
    await mined(bridge.write.mint([op("burn/mint"), accounts.alice, 201n, 50n]));
    await expectRevert(
      bridge.write.burn([op("burn/unapproved"), accounts.alice, 201n, 5n]),
      "ERC1155MissingApprovalForAll",
      [accounts.bridge, accounts.alice],
    );
    await expectRevert(
      bridge.write.burnBatch([op("burn/unapproved-batch"), accounts.alice, [201n], [5n]]),
      "ERC1155MissingApprovalForAll",
      [accounts.bridge, accounts.alice],
    );
    expect(await bridge.read.balanceOf([accounts.alice, 201n])).toBe(50n);
  });

  it("burns with the holder's approval, emits Burned and reduces totalSupply", async () => {
    const { bridge, alice, accounts, mined } = mirror();
    await mined(bridge.write.mint([op("burn/mint"), accounts.alice, 201n, 50n]));
    await mined(alice.write.setApprovalForAll([accounts.bridge, true]));
    const receipt = await mined(bridge.write.burn([op("burn/approved"), accounts.alice, 201n, 5n]));
    expect(events(receipt, "Burned")).toEqual([
      { opId: op("burn/approved"), from: accounts.alice, id: 201n, amount: 5n },
    ]);
    expect(await bridge.read.balanceOf([accounts.alice, 201n])).toBe(45n);
    expect(await bridge.read.totalSupply([201n])).toBe(45n);
    expect(await bridge.read.operationUsed([op("burn/approved")])).toBe(true);
  });

  it("burnBatch burns every id and emits one Burned per id with the same opId", async () => {
    const { bridge, alice, accounts, mined } = mirror();
    await mined(bridge.write.mint([op("burn/mint"), accounts.alice, 201n, 5n]));
    await mined(bridge.write.mint([op("burn/mint-2"), accounts.alice, 202n, 8n]));
    await mined(alice.write.setApprovalForAll([accounts.bridge, true]));
    const receipt = await mined(bridge.write.burnBatch([op("burn/batch"), accounts.alice, [201n, 202n], [5n, 8n]]));
    expect(events(receipt, "Burned")).toEqual([
      { opId: op("burn/batch"), from: accounts.alice, id: 201n, amount: 5n },
      { opId: op("burn/batch"), from: accounts.alice, id: 202n, amount: 8n },
    ]);
    expect(await bridge.read.totalSupply([202n])).toBe(0n);
  });

  it("refuses to burn more than the holder has", async () => {
    const { bridge, alice, accounts, mined } = mirror();
    await mined(bridge.write.mint([op("burn/mint"), accounts.alice, 201n, 40n]));
    await mined(alice.write.setApprovalForAll([accounts.bridge, true]));
    await expectRevert(
      bridge.write.burn([op("burn/too-much"), accounts.alice, 201n, 41n]),
      "ERC1155InsufficientBalance",
      [accounts.alice, 40n, 41n, 201n],
    );
  });
});

describe("JcmCreditMirror retire", () => {
  const mirror = freshMirror();

  it("burns the holder's own tokens, emits Retired with the exact values and reduces totalSupply", async () => {
    const { bridge, alice, accounts, mined } = mirror();
    await mined(bridge.write.mint([op("retire/mint"), accounts.alice, 301n, 100n]));
    const receipt = await mined(alice.write.retire([301n, 30n, "Acme Corp.", "FY2025 Scope 1 offset"]));
    expect(events(receipt, "Retired")).toEqual([
      { holder: accounts.alice, id: 301n, amount: 30n, beneficiary: "Acme Corp.", purpose: "FY2025 Scope 1 offset" },
    ]);
    expect(await bridge.read.balanceOf([accounts.alice, 301n])).toBe(70n);
    expect(await bridge.read.totalSupply([301n])).toBe(70n);
  });

  it("refuses to retire more than the caller holds", async () => {
    const { bridge, alice, accounts, mined } = mirror();
    await mined(bridge.write.mint([op("retire/mint"), accounts.alice, 301n, 70n]));
    await expectRevert(alice.write.retire([301n, 71n, "Acme", "offset"]), "ERC1155InsufficientBalance", [
      accounts.alice,
      70n,
      71n,
      301n,
    ]);
  });

  it("retires only the caller's tokens: a non-holder cannot retire someone else's", async () => {
    const { bob, accounts } = mirror();
    await expectRevert(bob.write.retire([301n, 1n, "Acme", "offset"]), "ERC1155InsufficientBalance", [
      accounts.bob,
      0n,
      1n,
      301n,
    ]);
  });

  it("refuses to retire zero tokens", async () => {
    const { alice } = mirror();
    await expectRevert(alice.write.retire([301n, 0n, "Acme", "offset"]), "MirrorZeroAmount", [301n]);
  });

  it("accepts a beneficiary of 200 bytes and a purpose of 500, and refuses one byte more, counting bytes not characters", async () => {
    const { bridge, alice, accounts, mined } = mirror();
    await mined(bridge.write.mint([op("retire/mint"), accounts.alice, 301n, 10n]));
    await mined(alice.write.retire([301n, 1n, "b".repeat(200), "p".repeat(500)]));
    // "あ" is three bytes in UTF-8: 67 of them are 201 bytes.
    await expectRevert(alice.write.retire([301n, 1n, "あ".repeat(67), "offset"]), "MirrorBeneficiaryTooLong", [
      201n,
      200n,
    ]);
    // "é" is two bytes: 251 of them are 502 bytes.
    await expectRevert(alice.write.retire([301n, 1n, "Acme", "é".repeat(251)]), "MirrorPurposeTooLong", [502n, 500n]);
  });
});

describe("JcmCreditMirror pause", () => {
  const mirror = freshMirror();

  it("a pause stops mint, burn, transfer and retire; unpause restores them", async () => {
    const { admin, bridge, alice, accounts, mined } = mirror();
    await mined(bridge.write.mint([op("pause/mint"), accounts.alice, 401n, 10n]));
    await mined(alice.write.setApprovalForAll([accounts.bridge, true]));
    await mined(admin.write.pause());
    expect(await bridge.read.paused()).toBe(true);

    await expectRevert(bridge.write.mint([op("pause/mint-2"), accounts.alice, 401n, 1n]), "EnforcedPause");
    await expectRevert(bridge.write.mintBatch([op("pause/batch"), accounts.alice, [401n], [1n]]), "EnforcedPause");
    await expectRevert(bridge.write.burn([op("pause/burn"), accounts.alice, 401n, 1n]), "EnforcedPause");
    await expectRevert(alice.write.safeTransferFrom([accounts.alice, accounts.bob, 401n, 1n, "0x"]), "EnforcedPause");
    await expectRevert(alice.write.retire([401n, 1n, "Acme", "offset"]), "EnforcedPause");
    // Reverted operations stay unused, so the relayer replays them once the pause is lifted.
    expect(await bridge.read.operationUsed([op("pause/mint-2")])).toBe(false);

    await mined(admin.write.unpause());
    await mined(bridge.write.mint([op("pause/mint-2"), accounts.alice, 401n, 1n]));
    await mined(bridge.write.burn([op("pause/burn"), accounts.alice, 401n, 1n]));
    await mined(alice.write.safeTransferFrom([accounts.alice, accounts.bob, 401n, 1n, "0x"]));
    await mined(alice.write.retire([401n, 1n, "Acme", "offset"]));
    expect(await bridge.read.balanceOf([accounts.alice, 401n])).toBe(8n);
    expect(await bridge.read.balanceOf([accounts.bob, 401n])).toBe(1n);
  });

  it("anchoring continues while paused: a pause stops tokens, not ledger evidence", async () => {
    const { admin, bridge, mined } = mirror();
    await mined(admin.write.pause());
    const receipt = await mined(bridge.write.anchor([op("pause/root"), 1n, 10n]));
    expect(events(receipt, "Anchored")).toEqual([{ root: op("pause/root"), fromSeq: 1n, toSeq: 10n }]);
    await mined(admin.write.unpause());
  });
});

describe("JcmCreditMirror metadata and anchors", () => {
  const mirror = freshMirror();

  it("uri(id) is the base URI followed by the decimal id", async () => {
    const { bridge } = mirror();
    expect(await bridge.read.uri([42n])).toBe(`${BASE_URI}42`);
    expect(await bridge.read.uri([0n])).toBe(`${BASE_URI}0`);
    expect(await bridge.read.uri([2n ** 256n - 1n])).toBe(`${BASE_URI}${2n ** 256n - 1n}`);
  });

  it("setBaseUri changes every token's uri and emits BaseUriSet", async () => {
    const { admin, bridge, mined } = mirror();
    const receipt = await mined(admin.write.setBaseUri(["https://bridge.example/v1/tokens/"]));
    expect(events(receipt, "BaseUriSet")).toEqual([{ baseUri: "https://bridge.example/v1/tokens/" }]);
    expect(await bridge.read.uri([7n])).toBe("https://bridge.example/v1/tokens/7");
  });

  it("advertises ERC-1155, its metadata URI extension, AccessControl and ERC-165 through ERC-165", async () => {
    const { bridge } = mirror();
    for (const interfaceId of ["0xd9b67a26", "0x0e89341c", "0x7965db0b", "0x01ffc9a7"] as const) {
      expect(await bridge.read.supportsInterface([interfaceId]), interfaceId).toBe(true);
    }
    expect(await bridge.read.supportsInterface(["0xffffffff"])).toBe(false);
  });

  it("anchor emits Anchored with the root and the inclusive range, a single entry included", async () => {
    const { bridge, mined } = mirror();
    const receipt = await mined(bridge.write.anchor([op("anchor/root"), 5n, 5n]));
    expect(events(receipt, "Anchored")).toEqual([{ root: op("anchor/root"), fromSeq: 5n, toSeq: 5n }]);
  });

  it("anchor refuses a range whose first sequence number is after its last", async () => {
    const { bridge } = mirror();
    await expectRevert(bridge.write.anchor([op("anchor/bad"), 6n, 5n]), "MirrorInvalidRange", [6n, 5n]);
  });
});
