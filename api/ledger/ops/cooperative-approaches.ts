import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { date, rows, str } from "../../../db/values.js";
import { JCM_ACQUIRING_PARTY } from "../core/authorization.js";
import { InvalidRequest, StateConflict } from "../core/errors.js";
import { appendJournal } from "../journal/journal.js";
import { transact } from "../store/transact.js";
import type { Actor, Deps } from "./deps.js";

/** The Article 6.2 cooperative approaches of the JCM: one per partner country, identified by the UNFCCC. */
export interface CooperativeApproach {
  partner: string;
  id: string;
  name: string;
  updatedAt: string;
}

/** Sets the UNFCCC identifier of the cooperative approach between Japan and `partner` (admin). */
export async function setCooperativeApproach(
  deps: Deps,
  actor: Actor,
  partner: string,
  p: { id: string; name: string },
): Promise<CooperativeApproach> {
  if (partner === JCM_ACQUIRING_PARTY) {
    throw new InvalidRequest([
      { path: "partner", message: "a JCM cooperative approach pairs Japan with a partner country" },
    ]);
  }
  const at = deps.clock();
  return transact(deps.db, async (tx) => {
    const [taken] = await rows(
      tx,
      sql`SELECT partner FROM cooperative_approaches WHERE id = ${p.id} AND partner <> ${partner}`,
    );
    if (taken) {
      throw new StateConflict(
        "cooperative_approach_id_taken",
        `${p.id} already identifies the approach with ${str(taken.partner)}`,
      );
    }
    await tx.execute(sql`
      INSERT INTO cooperative_approaches (partner, id, name, updated_at)
      VALUES (${partner}, ${p.id}, ${p.name}, ${at.toISOString()})
      ON CONFLICT (partner) DO UPDATE SET id = excluded.id, name = excluded.name, updated_at = excluded.updated_at`);
    await appendJournal(tx, [
      {
        chain: `ca:${partner}`,
        kind: "cooperative_approach.set",
        actor: actor.id,
        at,
        serials: [],
        details: { partner, id: p.id, name: p.name },
        ranges: [],
      },
    ]);
    return { partner, id: p.id, name: p.name, updatedAt: at.toISOString() };
  });
}

export async function listCooperativeApproaches(db: Db): Promise<CooperativeApproach[]> {
  const found = await rows(db, sql`SELECT * FROM cooperative_approaches ORDER BY partner`);
  return found.map((r) => ({
    partner: str(r.partner),
    id: str(r.id),
    name: str(r.name),
    updatedAt: date(r.updated_at).toISOString(),
  }));
}
