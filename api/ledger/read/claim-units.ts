import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { big, rows, str, strOrNull } from "../../../db/values.js";
import type { Purpose } from "../core/authorization.js";
import { formatSerials } from "../core/serials.js";
import { type CertifiedClaim, certifiedClaim } from "../journal/certificate.js";
import { findProject, type Project } from "../ops/projects.js";

/**
 * The units of one claim as its certificate attests them: each block with the host country's
 * authorization (reference and purposes) and the references of the corresponding adjustments
 * reported for it, where there are any.
 */
export interface ClaimedBlock {
  serials: string;
  quantity: number;
  authorization: { id: string; reference: string; purposes: Purpose[] } | null;
  correspondingAdjustment: boolean;
  adjustmentReferences: string[];
}

/** A certificate lists this many blocks of a claim; the claim's JSON names them all. */
export const CERTIFICATE_BLOCKS = 500;

export async function claimedBlocks(db: Db, claimId: string): Promise<{ blocks: ClaimedBlock[]; more: boolean }> {
  const found = await rows(
    db,
    sql`SELECT lower(s.serials)::text AS lo, (upper(s.serials) - 1)::text AS hi, i.registry, i.project_ref, i.vintage,
               s.authorization_id, a.reference, v.purposes, s.corresponding_adjustment,
               ARRAY(SELECT DISTINCT r.reference FROM journal_ranges jr
                     JOIN government_reports r ON r.journal_seq = jr.seq AND r.kind = 'corresponding_adjustment'
                     WHERE jr.issuance_id = s.issuance_id AND jr.serials && s.serials ORDER BY 1) AS adjustments
        FROM segments s
        JOIN issuances i ON i.id = s.issuance_id
        LEFT JOIN authorizations a ON a.id = s.authorization_id
        LEFT JOIN LATERAL (SELECT purposes FROM authorization_versions
                           WHERE authorization_id = s.authorization_id ORDER BY version DESC LIMIT 1) v ON true
        WHERE s.claim_id = ${claimId}
        ORDER BY i.id, lower(s.serials) LIMIT ${CERTIFICATE_BLOCKS + 1}`,
  );
  const blocks = found.slice(0, CERTIFICATE_BLOCKS).map((r): ClaimedBlock => {
    const start = big(r.lo);
    const end = big(r.hi);
    const authorizationId = strOrNull(r.authorization_id);
    return {
      serials: formatSerials({
        registry: str(r.registry),
        project: str(r.project_ref),
        vintage: Number(r.vintage),
        start,
        end,
      }),
      quantity: Number(end - start + 1n),
      authorization:
        authorizationId === null
          ? null
          : { id: authorizationId, reference: str(r.reference), purposes: (r.purposes ?? []) as Purpose[] },
      correspondingAdjustment: r.corresponding_adjustment === true,
      adjustmentReferences: r.adjustments as string[],
    };
  });
  return { blocks, more: found.length > CERTIFICATE_BLOCKS };
}

/** Everything a claim's certificate shows, on its page and in its PDF. */
export interface ClaimCertificate {
  claim: CertifiedClaim;
  blocks: ClaimedBlock[];
  moreBlocks: boolean;
  projects: Project[];
}

export async function claimCertificate(db: Db, id: string, sealEveryMs: number): Promise<ClaimCertificate> {
  const claim = await certifiedClaim(db, id, sealEveryMs);
  const { blocks, more } = await claimedBlocks(db, claim.id);
  const projects = (await Promise.all(claim.projectRefs.map((r) => findProject(db, r)))).filter(
    (p): p is Project => p !== undefined,
  );
  return { claim, blocks, moreBlocks: more, projects };
}
