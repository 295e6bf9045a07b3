import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { big, type Row, rows, str, strOrNull } from "../../../db/values.js";
import { formatSerials, parseSerials, quantityOf } from "../core/serials.js";
import { actionsOfYear } from "./aef-actions.js";
import { contextOf } from "./aef-context.js";
import { holdingsAt } from "./aef-holdings.js";
import { type Aef, type AuthorizationRow, NDC_PERIOD } from "./aef-types.js";

/**
 * The Agreed Electronic Format (decision 4/CMA.6, annex II) of one Party and year, derived from
 * the journal alone: each action row comes from the journal entry that recorded it (its sequence
 * number and hash travel in the row), and holdings at 31 December are the units replayed to that
 * moment. Regenerating a past year gives the same report, checkable against the hash chain.
 */

const join = (list: readonly string[]) => list.join("; ");

function authorizationRows(found: readonly Row[]): AuthorizationRow[] {
  return found.flatMap((r) =>
    (r.serials as string[]).map((s) => {
      const range = parseSerials(s);
      return {
        authorizationId: str(r.reference),
        bridgeId: str(r.id),
        version: Number(r.version),
        date: str(r.d),
        cooperativeApproachId: strOrNull(r.cooperative_approach_id),
        authorizingParty: str(r.party),
        authorizedParties: join(r.authorized_parties as string[]),
        authorizedEntities: join(r.authorized_entities as string[]),
        purposes: join((r.purposes as string[]).map((p) => p.toUpperCase())),
        oimpPurposes: join(r.oimp_purposes as string[]),
        firstTransferDefinition: strOrNull(r.first_transfer),
        timeframeStart: strOrNull(r.ts),
        timeframeEnd: strOrNull(r.te),
        firstUnitId: formatSerials({ ...range, end: range.start }),
        lastUnitId: formatSerials({ ...range, start: range.end }),
        quantity: Number(quantityOf(range)),
        terms: strOrNull(r.terms),
        documentationUrl: strOrNull(r.documentation_url),
      };
    }),
  );
}

/** The five tables of `party`'s AEF for `year`. */
export async function aefOf(db: Db, party: string, year: number, clock: () => Date): Promise<Aef> {
  const [head] = await rows(db, sql`SELECT coalesce(max(seq), 0)::text AS seq FROM journal`);
  const ctx = await contextOf(db, party);
  const actions = await actionsOfYear(db, ctx, year);
  const versions = await rows(
    db,
    sql`SELECT a.id, a.reference, a.party, v.version, v.date::text AS d, v.cooperative_approach_id, v.authorized_parties,
               v.authorized_entities, v.purposes, v.oimp_purposes, v.first_transfer, v.timeframe_start::text AS ts,
               v.timeframe_end::text AS te, v.serials, v.terms, v.documentation_url
        FROM authorization_versions v JOIN authorizations a ON a.id = v.authorization_id
        WHERE a.party = ${party} AND extract(year FROM v.date) = ${year}
        ORDER BY v.date, a.reference, v.version`,
  );
  const entities = await rows(
    db,
    sql`SELECT DISTINCT ON (e.entity, a.id) e.entity, o.name, o.country, a.reference, v.cooperative_approach_id, v.terms
        FROM authorizations a
        JOIN authorization_versions v ON v.authorization_id = a.id
        CROSS JOIN LATERAL unnest(v.authorized_entities) AS e(entity)
        JOIN organizations o ON o.id = e.entity
        WHERE a.party = ${party} AND v.date < ${`${year + 1}-01-01`}::date
        ORDER BY e.entity, a.id, v.version DESC`,
  );
  return {
    submission: {
      party,
      reportedYear: year,
      version: 1,
      generatedAt: clock().toISOString(),
      ndcPeriod: NDC_PERIOD,
      journalSeq: Number(big(head?.seq ?? 0)),
    },
    authorizations: authorizationRows(versions),
    actions,
    holdings: await holdingsAt(db, ctx, year),
    authorizedEntities: entities.map((r) => ({
      entityId: str(r.entity),
      name: str(r.name),
      country: strOrNull(r.country),
      cooperativeApproachId: strOrNull(r.cooperative_approach_id),
      authorizationId: str(r.reference),
      conditions: strOrNull(r.terms),
    })),
  };
}
