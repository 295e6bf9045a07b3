import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { rows, str, strOrNull } from "../../../db/values.js";
import { type ItmoBlock, itmoBlock } from "../core/itmo.js";
import type { SerialRange } from "../core/serials.js";

/** What every table of a Party's AEF needs to know: hosts, cooperative approaches, authorizations by id. */
export interface AuthorizationInfo {
  reference: string;
  party: string;
  approachId: string | null;
  purposes: string[];
}

export interface Context {
  party: string;
  hosts: Map<string, string>;
  approaches: Map<string, string>;
  authorizations: Map<string, AuthorizationInfo>;
}

export const yearStart = (year: number) => new Date(Date.UTC(year, 0, 1));
export const text = (v: unknown): string => (typeof v === "string" ? v : "");

export interface Block {
  range: SerialRange;
  authorizationId: string | null;
  firstTransfer: boolean;
}

export function approachOf(ctx: Context, b: { range: SerialRange; authorizationId: string | null }): string | null {
  const host = ctx.hosts.get(b.range.project) ?? "";
  return (
    (b.authorizationId ? ctx.authorizations.get(b.authorizationId)?.approachId : null) ??
    ctx.approaches.get(host) ??
    null
  );
}

export function itmoIds(ctx: Context, b: Block): ItmoBlock | null {
  const approach = approachOf(ctx, b);
  const host = ctx.hosts.get(b.range.project) ?? "";
  return b.authorizationId && approach ? itmoBlock(approach, host, b.range) : null;
}

export async function contextOf(db: Db, party: string): Promise<Context> {
  const hosts = await rows(db, sql`SELECT ref, host_country FROM projects`);
  const approaches = await rows(db, sql`SELECT partner, id FROM cooperative_approaches`);
  const auths = await rows(
    db,
    sql`SELECT a.id, a.reference, a.party, v.cooperative_approach_id, v.purposes FROM authorizations a
        JOIN LATERAL (SELECT * FROM authorization_versions WHERE authorization_id = a.id ORDER BY version DESC LIMIT 1) v ON true`,
  );
  return {
    party,
    hosts: new Map(hosts.map((r) => [str(r.ref), str(r.host_country)])),
    approaches: new Map(approaches.map((r) => [str(r.partner), str(r.id)])),
    authorizations: new Map(
      auths.map((r) => [
        str(r.id),
        {
          reference: str(r.reference),
          party: str(r.party),
          approachId: strOrNull(r.cooperative_approach_id),
          purposes: r.purposes as string[],
        },
      ]),
    ),
  };
}
