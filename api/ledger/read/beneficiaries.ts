import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { big, rows, str } from "../../../db/values.js";
import { beneficiaryKey } from "../core/claim-terms.js";
import type { ClaimType } from "../core/rules.js";
import { claimConditions } from "../ops/claims.js";

/** One organization as the claims name it: its names as written, its identifiers, its totals by year. */
export interface BeneficiarySummary {
  key: string;
  names: string[];
  legalIds: string[];
  countries: string[];
  totals: { year: number; claimType: ClaimType; claims: number; quantity: number }[];
}

/** How many spellings and identifiers a summary lists: a name written many ways is still one key. */
const LISTED = 20;

/** The organization whose `beneficiaryKey` is that of `key`, or undefined if no claim names it. */
export async function beneficiarySummary(db: Db, key: string): Promise<BeneficiarySummary | undefined> {
  const k = beneficiaryKey(key);
  const own = sql.join(claimConditions({ beneficiaryKey: k }), sql` AND `);
  const totals = await rows(
    db,
    sql`SELECT extract(year FROM c.created_at AT TIME ZONE 'UTC')::int AS year, c.claim_type,
               count(*)::int AS claims, sum(c.quantity)::text AS quantity
        FROM claims c WHERE ${own} GROUP BY 1, 2 ORDER BY 1 DESC, 2`,
  );
  if (totals.length === 0) return undefined;
  const [names] = await rows(
    db,
    sql`SELECT ARRAY(SELECT DISTINCT c.beneficiary_name FROM claims c WHERE ${own} ORDER BY 1 LIMIT ${LISTED}) AS names,
               ARRAY(SELECT DISTINCT c.beneficiary_legal_id FROM claims c
                     WHERE ${own} AND c.beneficiary_legal_id IS NOT NULL ORDER BY 1 LIMIT ${LISTED}) AS legal_ids,
               ARRAY(SELECT DISTINCT c.beneficiary_country FROM claims c WHERE ${own} ORDER BY 1 LIMIT ${LISTED}) AS countries`,
  );
  return {
    key: k,
    names: (names?.names ?? []) as string[],
    legalIds: (names?.legal_ids ?? []) as string[],
    countries: (names?.countries ?? []) as string[],
    totals: totals.map((r) => ({
      year: Number(r.year),
      claimType: str(r.claim_type) as ClaimType,
      claims: Number(r.claims),
      quantity: Number(big(r.quantity)),
    })),
  };
}
