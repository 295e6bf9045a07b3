import { type SQL, sql } from "drizzle-orm";
import { arrayParam } from "./values.js";

/** Tables of int8range `serials` whose rows never overlap within one key: rows of an issuance, issuances of a registry. */
const KEYS = { segments: "issuance_id", use_ranges: "issuance_id", issuances: "registry" } as const;

/**
 * The condition that row `alias` of `table` meets the inclusive range [start, end] within `key`,
 * shaped for the B-tree on (key, lower(serials)): the row holding `start` is found by one backward
 * descent, the rest by a forward scan up to `end`. The GiST exclusion indexes answer the same
 * question several times more slowly, and a planner that misjudges row counts may not use them.
 */
export function overlapsRange(table: keyof typeof KEYS, alias: string, key: SQL, start: SQL, end: SQL): SQL {
  const t = sql.raw(table);
  const a = sql.raw(alias);
  const k = sql.raw(KEYS[table]);
  return sql`${a}.${k} = ${key} AND lower(${a}.serials) <= ${end} AND upper(${a}.serials) > ${start}
    AND lower(${a}.serials) >= coalesce((SELECT lower(z.serials) FROM ${t} z
      WHERE z.${k} = ${key} AND lower(z.serials) <= ${start} ORDER BY lower(z.serials) DESC LIMIT 1), ${start})`;
}

/** Columns that travel beside each requested range: name → array parameter, one element per range. */
export type RangeColumns = Readonly<Record<string, SQL>>;

/**
 * Ranges asked about, as the table `r(registry, s, e, …extra, ord)` with `ord` counting from 1 in
 * list order. Whatever else a statement needs per range travels in the same unnest: a join of two
 * unnests on `ord` is planned, in a prepared statement, as if each held ten rows, and so as a
 * nested loop over both.
 */
export function requestedRanges(
  list: readonly { registry: string; start: bigint; end: bigint }[],
  extra: RangeColumns = {},
): SQL {
  const names = Object.keys(extra);
  const columns = names.map((name) => sql`, ${extra[name]}`);
  return sql`unnest(${arrayParam(
    list.map((l) => l.registry),
    "text",
  )}, ${arrayParam(
    list.map((l) => l.start),
    "int8",
  )}, ${arrayParam(
    list.map((l) => l.end),
    "int8",
  )}${sql.join(columns)}) WITH ORDINALITY AS r(registry, s, e${sql.raw(names.map((n) => `, ${n}`).join(""))}, ord)`;
}
