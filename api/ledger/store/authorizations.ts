import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { overlapsRange } from "../../../db/range-lookup.js";
import { arrayParam, type Row, rows, str, strOrNull } from "../../../db/values.js";
import type {
  AuthorizationsById,
  AuthorizationTerms,
  FirstTransferDefinition,
  OimpPurpose,
  Purpose,
} from "../core/authorization.js";
import { type ItmoBlock, type ItmoTrace, itmoBlock } from "../core/itmo.js";
import { parseSerials, type SerialRange } from "../core/serials.js";
import type { IssuanceTargets } from "./resolve.js";
import { rangesTable, targetRanges } from "./segments.js";

/** Reading the terms of authorizations, as their latest version states them. */
export function termsFromRow(r: Row): AuthorizationTerms {
  return {
    id: str(r.id),
    party: str(r.party),
    purposes: r.purposes as Purpose[],
    oimpPurposes: r.oimp_purposes as OimpPurpose[],
    authorizedEntities: r.authorized_entities as string[],
    firstTransfer: strOrNull(r.first_transfer) as FirstTransferDefinition | null,
  };
}

const LATEST_TERMS = sql`a.id, a.party, v.purposes, v.oimp_purposes, v.authorized_entities, v.first_transfer
  FROM authorizations a
  JOIN LATERAL (SELECT * FROM authorization_versions WHERE authorization_id = a.id ORDER BY version DESC LIMIT 1) v ON true`;

/** The terms of every authorization covering any of the target units. */
export async function authorizationsOver(db: Db, groups: readonly IssuanceTargets[]): Promise<AuthorizationsById> {
  const found = await rows(
    db,
    sql`SELECT ${LATEST_TERMS}
        WHERE a.id IN (
          SELECT s.authorization_id FROM ${rangesTable(targetRanges(groups), "t")}
          JOIN segments s ON ${overlapsRange("segments", "s", sql`t.iss`, sql`t.s`, sql`t.e`)}
          WHERE s.authorization_id IS NOT NULL)`,
  );
  return new Map(found.map((r) => [str(r.id), termsFromRow(r)]));
}

/** The terms of these authorizations; no query for none. */
export async function authorizationTerms(db: Db, ids: readonly string[]): Promise<AuthorizationsById> {
  if (ids.length === 0) return new Map();
  const found = await rows(db, sql`SELECT ${LATEST_TERMS} WHERE a.id = ANY(${arrayParam(ids, "text")})`);
  return new Map(found.map((r) => [str(r.id), termsFromRow(r)]));
}

/** A block of ITMOs as a reader sees it: its units and the ITMO ids of its first and last unit. */
export interface ItmoIds extends ItmoBlock {
  serials: string;
}

/**
 * The ITMO ids of traced blocks (each list one entry's trace), under the cooperative approach their
 * authorization names, else the one set for the host; blocks of no known approach have no ids yet.
 */
export async function itmoIdsOf(db: Db, traces: readonly (readonly ItmoTrace[])[]): Promise<ItmoIds[][]> {
  const all = traces.flat();
  if (all.length === 0) return traces.map(() => []);
  const ranges = new Map(all.map((t) => [t.serials, parseSerials(t.serials)]));
  const named = await rows(
    db,
    sql`SELECT a.id, v.cooperative_approach_id FROM authorizations a
        JOIN LATERAL (SELECT cooperative_approach_id FROM authorization_versions
                      WHERE authorization_id = a.id ORDER BY version DESC LIMIT 1) v ON true
        WHERE a.id = ANY(${arrayParam([...new Set(all.map((t) => t.authorizationId))], "text")})`,
  );
  const hosts = await rows(
    db,
    sql`SELECT p.ref, p.host_country, ca.id AS approach FROM projects p
        LEFT JOIN cooperative_approaches ca ON ca.partner = p.host_country
        WHERE p.ref = ANY(${arrayParam([...new Set([...ranges.values()].map((r) => r.project))], "text")})`,
  );
  const approachOf = new Map(named.map((r) => [str(r.id), strOrNull(r.cooperative_approach_id)]));
  const hostOf = new Map(
    hosts.map((r) => [str(r.ref), { host: str(r.host_country), approach: strOrNull(r.approach) }]),
  );
  return traces.map((list) =>
    list.flatMap((t) => {
      const r = ranges.get(t.serials) as SerialRange;
      const project = hostOf.get(r.project);
      const approach = approachOf.get(t.authorizationId) ?? project?.approach;
      return approach && project ? [{ serials: t.serials, ...itmoBlock(approach, project.host, r) }] : [];
    }),
  );
}
