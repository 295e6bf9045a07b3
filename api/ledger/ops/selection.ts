import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { big, rows, str } from "../../../db/values.js";
import { InvalidRequest, NotFound, SerialsConflict } from "../core/errors.js";
import { type IssuanceId, parseIssuanceId } from "../core/ids.js";
import { normalize, type Range, total } from "../core/ranges.js";
import { MAX_UNIT } from "../core/serials.js";
import type { JournalInput } from "../journal/journal.js";
import { formatTargets, groupByIssuance, type IssuanceTargets, resolveAll } from "../store/resolve.js";
import { targetRanges } from "../store/segments.js";

/** Which units an operation acts on: named ranges, or the lowest-numbered units the caller holds. */
export type Selection = { serials: string[] } | { allocate: { issuanceId: string; quantity: number } };

/** An issuance's identity, its write lock taken by the same statement with `lock`. */
export async function issuanceIdent(
  db: Db,
  id: IssuanceId,
  lock = false,
): Promise<Omit<IssuanceTargets, "ranges"> | undefined> {
  const [row] = await rows(
    db,
    sql`SELECT i.registry, i.project_ref, i.vintage, p.host_country FROM issuances i
        JOIN projects p ON p.ref = i.project_ref WHERE i.id = ${id}${lock ? sql` FOR NO KEY UPDATE OF i` : sql``}`,
  );
  return row
    ? {
        issuanceId: id,
        registry: str(row.registry),
        project: str(row.project_ref),
        vintage: Number(row.vintage),
        hostCountry: str(row.host_country),
      }
    : undefined;
}

/**
 * The lowest-numbered `quantity` units of an issuance in `state` (held by `holder`, if given), or
 * none if there are fewer.
 */
export async function lowestUnits(
  db: Db,
  issuanceId: bigint,
  state: "held" | "tokenized",
  holder: string | null,
  quantity: bigint,
): Promise<Range[]> {
  const found = await rows(
    db,
    sql`SELECT lo::text AS lo, hi::text AS hi FROM (
          SELECT lower(serials) AS lo, upper(serials) - 1 AS hi,
                 sum(upper(serials) - lower(serials)) OVER (ORDER BY lower(serials)) AS cum
          FROM segments WHERE issuance_id = ${issuanceId} AND state = ${state}
            AND (${holder}::text IS NULL OR holder = ${holder})
        ) x WHERE cum - (hi - lo + 1) < ${quantity} ORDER BY x.lo`,
  );
  const ranges: Range[] = [];
  let left = quantity;
  for (const r of found) {
    const start = big(r.lo);
    const end = big(r.hi);
    const take = end - start + 1n < left ? end - start + 1n : left;
    ranges.push({ start, end: start + take - 1n });
    left -= take;
  }
  return left === 0n ? ranges : [];
}

/** A selection resolved to the issuances it touches, before their locks are taken. */
export type ResolvedSelection =
  | { groups: IssuanceTargets[] }
  | { allocate: Omit<IssuanceTargets, "ranges">; quantity: number; issuanceId: string };

/** Places a selection in its issuances; with `lock`, the same statement takes their write locks. */
export async function resolveSelection(tx: Db, selection: Selection, lock = false): Promise<ResolvedSelection> {
  if ("serials" in selection) return { groups: groupByIssuance(await resolveAll(tx, selection.serials, { lock })) };
  const { issuanceId, quantity } = selection.allocate;
  const id = parseIssuanceId(issuanceId);
  const ident = id === undefined ? undefined : await issuanceIdent(tx, id, lock);
  if (!ident) throw new NotFound("issuance_not_found", `No issuance ${issuanceId}`);
  return { allocate: ident, quantity, issuanceId };
}

export function issuancesOf(r: ResolvedSelection): bigint[] {
  return "groups" in r ? r.groups.map((g) => g.issuanceId) : [r.allocate.issuanceId];
}

/**
 * The units of a resolved selection whose issuances the caller has locked: named ranges as they
 * are, an allocation as the lowest-numbered units the holder holds now.
 */
export async function takeSelection(tx: Db, r: ResolvedSelection, holder: string): Promise<IssuanceTargets[]> {
  if ("groups" in r) {
    const quantity = r.groups.reduce((sum, g) => sum + total(g.ranges), 0n);
    if (quantity > MAX_UNIT) {
      throw new InvalidRequest([{ path: "serials", message: "the request names more than 2^53-1 units" }]);
    }
    return r.groups;
  }
  const id = r.allocate.issuanceId;
  const ranges = await lowestUnits(tx, id, "held", holder, BigInt(r.quantity));
  if (ranges.length === 0) {
    const [row] = await rows(
      tx,
      sql`SELECT coalesce(sum(upper(serials) - lower(serials)), 0)::text AS q FROM segments
          WHERE issuance_id = ${id} AND state = 'held' AND holder = ${holder}`,
    );
    throw new SerialsConflict(
      "insufficient_holdings",
      `The caller holds fewer than ${r.quantity} units of ${r.issuanceId}`,
      [],
      { available: Number(big(row?.q ?? 0)), requested: r.quantity },
    );
  }
  return [{ ...r.allocate, ranges: normalize(ranges) }];
}

/**
 * Resolves the selection and takes the write locks of every issuance it touches. Must run inside
 * the operation's transaction: an allocation is only valid while its issuance stays locked.
 */
export async function lockSelection(tx: Db, selection: Selection, holder: string): Promise<IssuanceTargets[]> {
  return takeSelection(tx, await resolveSelection(tx, selection, true), holder);
}

export function quantityOfGroups(groups: readonly IssuanceTargets[]): number {
  return Number(groups.reduce((sum, g) => sum + total(g.ranges), 0n));
}

/** The journal chain of an operation on units: its lowest issuance's. */
export function unitChain(groups: readonly IssuanceTargets[]): string {
  return `iss:${groups[0]?.issuanceId}`;
}

/** The journal entry of an operation on units: chained on its lowest issuance, indexed by every range. */
export function unitEntry(
  groups: readonly IssuanceTargets[],
  entry: Omit<JournalInput, "chain" | "serials" | "ranges">,
): JournalInput {
  return {
    ...entry,
    chain: unitChain(groups),
    serials: formatTargets(groups),
    ranges: targetRanges(groups),
  };
}
