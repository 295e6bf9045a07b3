import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { big, rows } from "../../db/values.js";
import { UNIT_STATES, type UnitState } from "./segments.js";

/** Units per state for every issuance of a project: what the project page charts. */
export async function projectTotals(db: Db, ref: string): Promise<Map<string, Record<UnitState, number>>> {
  const found = await rows(
    db,
    sql`SELECT s.issuance_id::text AS iss, s.state, sum(upper(s.serials) - lower(s.serials))::text AS q
        FROM segments s JOIN issuances i ON i.id = s.issuance_id
        WHERE i.project_ref = ${ref} GROUP BY s.issuance_id, s.state`,
  );
  const totals = new Map<string, Record<UnitState, number>>();
  for (const r of found) {
    const id = `iss_${big(r.iss)}`;
    const t = totals.get(id) ?? (Object.fromEntries(UNIT_STATES.map((s) => [s, 0])) as Record<UnitState, number>);
    t[r.state as UnitState] = Number(big(r.q));
    totals.set(id, t);
  }
  return totals;
}
