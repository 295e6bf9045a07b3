import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { big, bool, rows, str } from "../../../db/values.js";
import { formatIssuanceId } from "../core/ids.js";
import { formatSerials, quantityOf } from "../core/serials.js";

export interface Holding {
  serials: string;
  issuanceId: string;
  quantity: number;
  state: "held" | "tokenized";
  authorized: boolean;
  correspondingAdjustment: boolean;
}

/** The caller's held and tokenized units, by issuance and serial; cursor = `<issuance>:<start>`. */
export async function listHoldings(
  db: Db,
  holder: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ data: Holding[]; nextCursor: string | null }> {
  const [iss, start] = (page.cursor ?? "0:0").split(":").map((n) => (/^[0-9]{1,16}$/.test(n) ? BigInt(n) : 0n));
  const found = await rows(
    db,
    sql`SELECT s.issuance_id::text AS iss, lower(s.serials)::text AS lo, (upper(s.serials) - 1)::text AS hi, s.state,
               s.authorization_id IS NOT NULL AS authorized, s.corresponding_adjustment, i.registry, i.project_ref, i.vintage
        FROM segments s JOIN issuances i ON i.id = s.issuance_id
        WHERE s.holder = ${holder} AND s.state IN ('held', 'tokenized')
          AND (s.issuance_id, lower(s.serials)) > (${iss ?? 0n}, ${start ?? 0n})
        ORDER BY s.issuance_id, lower(s.serials) LIMIT ${page.limit + 1}`,
  );
  const data = found.slice(0, page.limit).map((r) => {
    const range = { start: big(r.lo), end: big(r.hi) };
    return {
      serials: formatSerials({
        registry: str(r.registry),
        project: str(r.project_ref),
        vintage: Number(r.vintage),
        ...range,
      }),
      issuanceId: formatIssuanceId(big(r.iss)),
      quantity: Number(quantityOf(range)),
      state: str(r.state) as Holding["state"],
      authorized: bool(r.authorized),
      correspondingAdjustment: bool(r.corresponding_adjustment),
    };
  });
  const last = found[page.limit - 1];
  return { data, nextCursor: found.length > page.limit && last ? `${big(last.iss)}:${big(last.lo)}` : null };
}
