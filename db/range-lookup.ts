import { type SQL, sql } from "drizzle-orm";

/**
 * The condition that row `alias` of a range table (segments, use_ranges: rows of one issuance never
 * overlap) meets the inclusive range [start, end] of `issuance`, shaped for the B-tree on
 * (issuance_id, lower(serials)): the row holding `start` is found by one backward descent, the rest
 * by a forward scan up to `end`. The GiST exclusion index answers the same question more slowly.
 */
export function overlapsRange(
  table: "segments" | "use_ranges",
  alias: string,
  issuance: SQL,
  start: SQL,
  end: SQL,
): SQL {
  const t = sql.raw(table);
  const a = sql.raw(alias);
  return sql`${a}.issuance_id = ${issuance} AND lower(${a}.serials) <= ${end} AND upper(${a}.serials) > ${start}
    AND lower(${a}.serials) >= coalesce((SELECT lower(z.serials) FROM ${t} z
      WHERE z.issuance_id = ${issuance} AND lower(z.serials) <= ${start} ORDER BY lower(z.serials) DESC LIMIT 1), ${start})`;
}
