import { createHash } from "node:crypto";

/**
 * Merkle trees over journal entry hashes, as RFC 6962 (Certificate Transparency) defines them:
 * leaves and nodes are hashed with distinct prefixes so a node can never pass for a leaf, and a
 * tree of n leaves splits at the largest power of two below n. Pure, so anyone can re-check a proof.
 */
export interface ProofStep {
  /** Which side the sibling hash is on when combining upward from the leaf. */
  side: "left" | "right";
  hash: string;
}

const sha256 = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();

export function leafHash(entryHash: string): string {
  return sha256(Buffer.from([0]), Buffer.from(entryHash, "hex")).toString("hex");
}

export function nodeHash(left: string, right: string): string {
  return sha256(Buffer.from([1]), Buffer.from(left, "hex"), Buffer.from(right, "hex")).toString("hex");
}

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Root over leaf hashes (already passed through `leafHash`). */
export function rootOfLeaves(leaves: readonly string[]): string {
  if (leaves.length === 0) throw new RangeError("a Merkle tree needs at least one leaf");
  if (leaves.length === 1) return leaves[0] as string;
  const k = split(leaves.length);
  return nodeHash(rootOfLeaves(leaves.slice(0, k)), rootOfLeaves(leaves.slice(k)));
}

export function merkleRoot(entryHashes: readonly string[]): string {
  return rootOfLeaves(entryHashes.map(leafHash));
}

/** The audit path of leaf `index`, from the leaf up to the root. */
export function inclusionProof(entryHashes: readonly string[], index: number): ProofStep[] {
  if (index < 0 || index >= entryHashes.length)
    throw new RangeError(`leaf ${index} is not in a tree of ${entryHashes.length}`);
  const path = (leaves: readonly string[], m: number): ProofStep[] => {
    if (leaves.length === 1) return [];
    const k = split(leaves.length);
    return m < k
      ? [...path(leaves.slice(0, k), m), { side: "right", hash: rootOfLeaves(leaves.slice(k)) }]
      : [...path(leaves.slice(k), m - k), { side: "left", hash: rootOfLeaves(leaves.slice(0, k)) }];
  };
  return path(entryHashes.map(leafHash), index);
}

/** The sides of the audit path of leaf `index` in a tree of `size` leaves: fixed by the two numbers alone. */
export function proofShape(index: number, size: number): ProofStep["side"][] {
  if (index < 0 || index >= size) return [];
  if (size === 1) return [];
  const k = split(size);
  return index < k ? [...proofShape(index, k), "right"] : [...proofShape(index - k, size - k), "left"];
}

/** Recomputes the root from an entry hash and its proof. */
export function rootFromProof(entryHash: string, proof: readonly ProofStep[]): string {
  return proof.reduce(
    (acc, step) => (step.side === "left" ? nodeHash(step.hash, acc) : nodeHash(acc, step.hash)),
    leafHash(entryHash),
  );
}
