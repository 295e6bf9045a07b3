import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, date, day, type Row, rows, str, strOrNull } from "../../../db/values.js";
import type { FirstTransferDefinition, OimpPurpose, Purpose } from "../core/authorization.js";
import { NotFound } from "../core/errors.js";

/** Authorizations as the public reads them: the latest version's fields, and every version. */
export interface AuthorizationVersion {
  version: number;
  date: string;
  cooperativeApproachId: string | null;
  purposes: Purpose[];
  oimpPurposes: OimpPurpose[];
  authorizedParties: string[];
  authorizedEntities: string[];
  firstTransfer: FirstTransferDefinition | null;
  timeframe: { start: string; end: string } | null;
  terms: string | null;
  documentationUrl: string | null;
  serials: string[];
  quantity: number;
  journalSeq: number;
  createdAt: string;
}

export interface Authorization extends AuthorizationVersion {
  id: string;
  party: string;
  reference: string;
  organizationId: string;
  /** Every version, oldest first; the fields above are the latest's. */
  versions: AuthorizationVersion[];
}

function versionFromRow(r: Row): AuthorizationVersion {
  const start = r.timeframe_start === null ? null : day(r.timeframe_start);
  const end = r.timeframe_end === null ? null : day(r.timeframe_end);
  return {
    version: Number(r.version),
    date: day(r.date),
    cooperativeApproachId: strOrNull(r.cooperative_approach_id),
    purposes: r.purposes as Purpose[],
    oimpPurposes: r.oimp_purposes as OimpPurpose[],
    authorizedParties: r.authorized_parties as string[],
    authorizedEntities: r.authorized_entities as string[],
    firstTransfer: strOrNull(r.first_transfer) as FirstTransferDefinition | null,
    timeframe: start !== null && end !== null ? { start, end } : null,
    terms: strOrNull(r.terms),
    documentationUrl: strOrNull(r.documentation_url),
    serials: r.serials as string[],
    quantity: Number(big(r.q)),
    journalSeq: Number(big(r.seq)),
    createdAt: date(r.created_at).toISOString(),
  };
}

const VERSION_COLUMNS = sql.raw(`v.*, v.quantity::text AS q, v.journal_seq::text AS seq`);

/** The authorizations of `ids`, each with every version, in the order of `ids`. */
export async function getAuthorizations(db: Db, ids: readonly string[]): Promise<Authorization[]> {
  if (ids.length === 0) return [];
  const found = await rows(
    db,
    sql`SELECT a.id AS auz, a.party, a.reference, a.organization_id, ${VERSION_COLUMNS}
        FROM authorizations a JOIN authorization_versions v ON v.authorization_id = a.id
        WHERE a.id = ANY(${arrayParam(ids, "text")}) ORDER BY a.id, v.version`,
  );
  const byId = new Map<string, Authorization>();
  for (const r of found) {
    const v = versionFromRow(r);
    const known = byId.get(str(r.auz));
    if (known) byId.set(known.id, { ...known, ...v, versions: [...known.versions, v] });
    else {
      byId.set(str(r.auz), {
        id: str(r.auz),
        party: str(r.party),
        reference: str(r.reference),
        organizationId: str(r.organization_id),
        ...v,
        versions: [v],
      });
    }
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function getAuthorization(db: Db, id: string): Promise<Authorization> {
  const [found] = await getAuthorizations(db, [id]);
  if (!found) throw new NotFound("authorization_not_found", `No authorization ${id.slice(0, 64)}`);
  return found;
}

/** Authorizations of a Party dated in a calendar year (any version), newest first, a page at a time. */
export async function listAuthorizations(
  db: Db,
  f: { party?: string | undefined; year?: number | undefined },
  page: { limit: number; cursor?: string | undefined },
): Promise<{ data: Authorization[]; nextCursor: string | null }> {
  const found = await rows(
    db,
    sql`SELECT a.id FROM authorizations a
        WHERE (${f.party ?? null}::text IS NULL OR a.party = ${f.party ?? null})
          AND (${f.year ?? null}::int IS NULL OR EXISTS (
            SELECT 1 FROM authorization_versions v WHERE v.authorization_id = a.id AND extract(year FROM v.date) = ${f.year ?? null}))
          AND (${page.cursor ?? null}::text IS NULL OR a.id < ${page.cursor ?? null})
        ORDER BY a.id DESC LIMIT ${page.limit + 1}`,
  );
  const ids = found.slice(0, page.limit).map((r) => str(r.id));
  return {
    data: await getAuthorizations(db, ids),
    nextCursor: found.length > page.limit ? (ids.at(-1) ?? null) : null,
  };
}
