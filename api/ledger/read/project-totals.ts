import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, rows } from "../../../db/values.js";
import { formatIssuanceId, parseIssuanceId } from "../core/ids.js";
import { UNIT_STATES, type UnitState } from "../core/segments.js";

/** Units per state of the issuances a project page shows: what it charts. */
export async function issuanceTotals(
  db: Db,
  issuanceIds: readonly string[],
): Promise<Map<string, Record<UnitState, number>>> {
  const ids = issuanceIds.flatMap((id) => parseIssuanceId(id) ?? []);
  const found = await rows(
    db,
    sql`SELECT s.issuance_id::text AS iss, s.state, sum(upper(s.serials) - lower(s.serials))::text AS q
        FROM segments s WHERE s.issuance_id = ANY(${arrayParam(ids, "int8")}) GROUP BY s.issuance_id, s.state`,
  );
  const totals = new Map<string, Record<UnitState, number>>();
  for (const r of found) {
    const id = formatIssuanceId(big(r.iss));
    const t = totals.get(id) ?? (Object.fromEntries(UNIT_STATES.map((s) => [s, 0])) as Record<UnitState, number>);
    t[r.state as UnitState] = Number(big(r.q));
    totals.set(id, t);
  }
  return totals;
}
