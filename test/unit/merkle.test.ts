import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inclusionProof, leafHash, merkleRoot, proofShape, rootFromProof } from "../../api/ledger/journal/merkle.js";

const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString("hex"));
const tree = fc.array(hex32, { minLength: 1, maxLength: 70 });
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("Merkle trees over journal entries", () => {
  it("proves every leaf of every tree size, and only to its own root (property)", () => {
    fc.assert(
      fc.property(tree, fc.nat(), (leaves, pick) => {
        const root = merkleRoot(leaves);
        const index = pick % leaves.length;
        const proof = inclusionProof(leaves, index);
        expect(rootFromProof(leaves[index] as string, proof)).toBe(root);
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(leaves.length)));
      }),
    );
  });

  it("catches a tampered entry hash, proof hash or proof side (property)", () => {
    const distinct = fc.uniqueArray(hex32, { minLength: 2, maxLength: 70 });
    fc.assert(
      fc.property(distinct, fc.nat(), fc.nat(), hex32, (leaves, pick, stepPick, other) => {
        const root = merkleRoot(leaves);
        const index = pick % leaves.length;
        const entry = leaves[index] as string;
        const proof = inclusionProof(leaves, index);
        const s = stepPick % proof.length;
        fc.pre(other !== entry && other !== proof[s]?.hash);
        expect(rootFromProof(other, proof)).not.toBe(root);
        const forged = proof.map((p, i) => (i === s ? { ...p, hash: other } : p));
        expect(rootFromProof(entry, forged)).not.toBe(root);
        const flipped = proof.map((p, i) =>
          i === s ? { ...p, side: p.side === "left" ? ("right" as const) : ("left" as const) } : p,
        );
        expect(rootFromProof(entry, flipped)).not.toBe(root);
      }),
    );
  });

  it("follows RFC 6962: a leaf is H(0x00 || d), a node H(0x01 || l || r), split at the largest power of two", () => {
    const h = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest("hex");
    const d = ["aa", "bb", "cc"].map((x) => x.repeat(32));
    const leaf = (x: string) => h(Buffer.from([0]), Buffer.from(x, "hex"));
    const node = (l: string, r: string) => h(Buffer.from([1]), Buffer.from(l, "hex"), Buffer.from(r, "hex"));
    expect(leafHash(d[0] as string)).toBe(leaf(d[0] as string));
    expect(merkleRoot(d)).toBe(node(node(leaf(d[0] as string), leaf(d[1] as string)), leaf(d[2] as string)));
    expect(merkleRoot([d[0] as string])).toBe(leaf(d[0] as string));
  });

  it("knows the sides of every audit path from the leaf's index and the tree's size alone (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (size, n) => {
        const leaves = Array.from({ length: size }, (_, i) => sha(`entry ${i}`));
        const index = n % size;
        expect(proofShape(index, size)).toEqual(inclusionProof(leaves, index).map((step) => step.side));
      }),
    );
    expect(proofShape(0, 1)).toEqual([]);
    expect(proofShape(5, 5)).toEqual([]);
    expect(proofShape(-1, 5)).toEqual([]);
  });

  it("refuses a tree of no leaves and a proof of a leaf outside the tree", () => {
    expect(() => merkleRoot([])).toThrow(RangeError);
    const leaves = [sha("a"), sha("b"), sha("c")];
    expect(() => inclusionProof(leaves, 3)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, -1)).toThrow(RangeError);
    expect(inclusionProof(leaves, 2)).toHaveLength(1);
  });
});
