import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { overlapsRange } from "../../../db/range-lookup.js";
import { arrayParam, type Row, rows, str, strOrNull } from "../../../db/values.js";
import type {
  AuthorizationsById,
  AuthorizationTerms,
  FirstTransferDefinition,
  Purpose,
} from "../core/authorization.js";
import type { IssuanceTargets } from "./resolve.js";

/** Reading the terms of authorizations, as their latest version states them. */
export function termsFromRow(r: Row): AuthorizationTerms {
  return {
    id: str(r.id),
    party: str(r.party),
    purposes: r.purposes as Purpose[],
    authorizedEntities: r.authorized_entities as string[],
    firstTransfer: strOrNull(r.first_transfer) as FirstTransferDefinition | null,
  };
}

const LATEST_TERMS = sql`a.id, a.party, v.purposes, v.authorized_entities, v.first_transfer
  FROM authorizations a
  JOIN LATERAL (SELECT * FROM authorization_versions WHERE authorization_id = a.id ORDER BY version DESC LIMIT 1) v ON true`;

/** The terms of every authorization covering any of the target units. */
export async function authorizationsOver(db: Db, groups: readonly IssuanceTargets[]): Promise<AuthorizationsById> {
  const ranges = groups.flatMap((g) => g.ranges.map((r) => ({ issuanceId: g.issuanceId, ...r })));
  const found = await rows(
    db,
    sql`SELECT ${LATEST_TERMS}
        WHERE a.id IN (
          SELECT s.authorization_id FROM unnest(${arrayParam(
            ranges.map((r) => r.issuanceId),
            "int8",
          )}, ${arrayParam(
            ranges.map((r) => r.start),
            "int8",
          )}, ${arrayParam(
            ranges.map((r) => r.end),
            "int8",
          )}) AS t(iss, s, e)
          JOIN segments s ON ${overlapsRange("segments", "s", sql`t.iss`, sql`t.s`, sql`t.e`)}
          WHERE s.authorization_id IS NOT NULL)`,
  );
  return new Map(found.map((r) => [str(r.id), termsFromRow(r)]));
}
