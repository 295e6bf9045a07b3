import type { Db } from "../../../db/client.js";
import { type Claim, getClaim } from "../ops/claims.js";
import { canonicalJson } from "./canonical-json.js";
import { entryHash } from "./journal.js";
import { proofShape, rootFromProof } from "./merkle.js";
import { type Inclusion, inclusionOf, journalEntry } from "./seal.js";

/**
 * A claim certificate a buyer can check without trusting us: the journal entry that recorded the
 * claim (whose hash is recomputable), its Merkle inclusion proof, and where the root was anchored.
 */
export interface CertificateEntry {
  seq: number;
  chain: string;
  at: string;
  kind: string;
  actor: string | null;
  serials: string[];
  details: Record<string, unknown>;
  prevHash: string;
}

export interface FullCertificate {
  hash: string;
  journalSeq: number;
  entry: CertificateEntry;
  root: string | null;
  rootId: number | null;
  leafIndex: number | null;
  treeSize: number | null;
  proof: Inclusion["proof"] | null;
  anchor: Inclusion["anchor"];
  /** While the entry waits for its root: within how many seconds the background sealer seals it. */
  sealing: { expectedWithinSeconds: number } | null;
}

export type CertifiedClaim = Omit<Claim, "certificate"> & { certificate: FullCertificate };

/**
 * The claim with its full certificate. Only reads: an entry not sealed yet has no root and says
 * when to look again. The background sealer runs every `sealEveryMs`; an entry is sealed by the
 * run after the one that first saw its transaction end, so within two periods.
 */
export async function certifiedClaim(db: Db, id: string, sealEveryMs: number): Promise<CertifiedClaim> {
  const claim = await getClaim(db, id);
  const seq = BigInt(claim.certificate.journalSeq);
  const inclusion = await inclusionOf(db, seq);
  const entry = await journalEntry(db, seq);
  if (!entry) throw new Error(`claim ${id} has no journal entry ${seq}`);
  return {
    ...claim,
    certificate: {
      hash: claim.certificate.hash,
      journalSeq: claim.certificate.journalSeq,
      entry: {
        seq: Number(entry.seq),
        chain: entry.chain,
        at: entry.at.toISOString(),
        kind: entry.kind,
        actor: entry.actor,
        serials: entry.serials,
        details: entry.details,
        prevHash: entry.prevHash,
      },
      root: inclusion?.root ?? null,
      rootId: inclusion?.rootId ?? null,
      leafIndex: inclusion?.leafIndex ?? null,
      treeSize: inclusion?.treeSize ?? null,
      proof: inclusion?.proof ?? null,
      anchor: inclusion?.anchor ?? null,
      sealing: inclusion ? null : { expectedWithinSeconds: Math.ceil((2 * sealEveryMs) / 1000) },
    },
  };
}

export interface VerificationStep {
  step: "entry" | "claim" | "inclusion" | "anchor";
  ok: boolean;
  detail: string;
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/**
 * Checks a certificate offline: the entry hashes to the certified hash, the entry records exactly
 * this claim, and the proof leads from the hash to the root. The anchor is checked elsewhere (it
 * needs a chain). Every step is reported, so a tampered field is named.
 */
export function verifyCertificate(claim: CertifiedClaim): VerificationStep[] {
  const c = claim.certificate;
  const steps: VerificationStep[] = [];
  const recomputed = entryHash({ ...c.entry, seq: BigInt(c.entry.seq), at: new Date(c.entry.at) });
  steps.push(
    recomputed === c.hash && c.entry.seq === c.journalSeq
      ? { step: "entry", ok: true, detail: `journal entry ${c.journalSeq} hashes to ${c.hash}` }
      : {
          step: "entry",
          ok: false,
          detail: `journal entry ${c.entry.seq} hashes to ${recomputed}, not the certified ${c.hash} (seq ${c.journalSeq})`,
        },
  );
  const d = c.entry.details;
  const mismatched = [
    ["kind", c.entry.kind, "claim"],
    ["id", d.claimId, claim.id],
    ["claimant", d.claimant, claim.claimant],
    ["claimantName", d.claimantName, claim.claimantName],
    ["hostCountries", d.hostCountries, claim.hostCountries],
    ["createdAt", c.entry.at, claim.createdAt],
    ["beneficiary", d.beneficiary, claim.beneficiary],
    ["claimType", d.claimType, claim.claimType],
    ["purpose", d.purpose, claim.purpose],
    ["period", d.period, claim.period],
    ["quantity", d.quantity, claim.quantity],
    ["serials", c.entry.serials, claim.serials],
    ["txHash", d.txHash ?? null, claim.txHash],
  ].filter(([, recorded, shown]) => !same(recorded, shown));
  steps.push(
    mismatched.length === 0
      ? { step: "claim", ok: true, detail: "the entry records exactly this claim" }
      : {
          step: "claim",
          ok: false,
          detail: `the claim differs from its journal entry in: ${mismatched.map(([field]) => field).join(", ")}`,
        },
  );
  if (!c.root || !c.proof) {
    steps.push({ step: "inclusion", ok: false, detail: "the certificate has no Merkle root and proof yet" });
  } else {
    const root = rootFromProof(c.hash, c.proof);
    const shape = proofShape(c.leafIndex ?? -1, c.treeSize ?? 0);
    const shaped = shape.length === c.proof.length && shape.every((side, i) => c.proof?.[i]?.side === side);
    steps.push(
      !shaped
        ? {
            step: "inclusion",
            ok: false,
            detail: `the proof does not fit leaf ${c.leafIndex} of a tree of ${c.treeSize}`,
          }
        : root === c.root
          ? { step: "inclusion", ok: true, detail: `the proof leads to root ${c.root} (${c.treeSize} entries)` }
          : { step: "inclusion", ok: false, detail: `the proof leads to ${root}, not the certified root ${c.root}` },
    );
  }
  return steps;
}
