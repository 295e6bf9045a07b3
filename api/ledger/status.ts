import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { overlapsRange } from "../../db/range-lookup.js";
import { big, preparedRows, strOrNull } from "../../db/values.js";
import { coalescing } from "./coalesce.js";
import type { Logger } from "./deps.js";
import { normalize, type Range } from "./ranges.js";
import {
  hitFromRow,
  type IssuanceHit,
  issuanceHitsSql,
  parseEach,
  placeEach,
  type ResolvedRange,
  resolutionError,
} from "./resolve.js";
import { coversExactly, partsWithin, type Segment, TERMINAL_STATES } from "./segments.js";
import { formatSerials, quantityOf, type SerialRange } from "./serials.js";
import { segmentFromRow } from "./store.js";

export interface StatusPart {
  serials: string;
  quantity: number;
  state: Segment["state"];
  holder?: string;
  claimId?: string;
  reportId?: string;
  tokenId?: string;
  authorized: boolean;
  correspondingAdjustment: boolean;
}

export interface Status {
  serials: string;
  quantity: number;
  doubleCounted: boolean;
  parts: StatusPart[];
}

export type StatusResult = Status | { serials: string; error: string; status: 400 | 404 };

interface UseRow extends Range {
  useId: string;
}

function part(r: ResolvedRange, s: Segment): StatusPart {
  return {
    serials: formatSerials({ ...r, start: s.start, end: s.end }),
    quantity: Number(quantityOf(s)),
    state: s.state,
    ...(s.holder ? { holder: s.holder } : {}),
    ...(s.claimId ? { claimId: s.claimId } : {}),
    ...(s.reportId ? { reportId: s.reportId } : {}),
    ...(s.tokenId ? { tokenId: s.tokenId } : {}),
    authorized: s.authorized,
    correspondingAdjustment: s.correspondingAdjustment,
  };
}

function mergeById(list: readonly UseRow[]): UseRow[] {
  const out: UseRow[] = [];
  for (const u of [...list].sort((a, b) => (a.start < b.start ? -1 : 1))) {
    const last = out.at(-1);
    if (last && last.useId === u.useId && last.end + 1n === u.start) last.end = u.end;
    else out.push({ ...u });
  }
  return out;
}

/**
 * Segments and the terminal-use table must tell the same story: every unit covered once, and
 * a unit is claimed or government-used in one exactly when the other says so, by the same use.
 */
export function consistent(range: Range, parts: readonly Segment[], uses: readonly UseRow[]): boolean {
  if (!coversExactly(parts, range)) return false;
  const fromSegments = mergeById(
    parts
      .filter((p) => TERMINAL_STATES.includes(p.state))
      .map((p) => ({ start: p.start, end: p.end, useId: (p.claimId ?? p.reportId) as string })),
  );
  const fromUses = mergeById(uses);
  if (normalize(uses).reduce((n, u) => n + quantityOf(u), 0n) !== uses.reduce((n, u) => n + quantityOf(u), 0n)) {
    return false;
  }
  return (
    fromSegments.length === fromUses.length &&
    fromSegments.every((s, i) => {
      const u = fromUses[i];
      return u !== undefined && u.start === s.start && u.end === s.end && u.useId === s.useId;
    })
  );
}

/**
 * The one query behind a status: each range placed in its issuance, and where it lies inside one,
 * that issuance's segments and terminal uses over the range beside it (`src` 's' or 'u').
 */
export function statusSql(ranges: readonly SerialRange[]): SQL {
  return sql`WITH h AS (${issuanceHitsSql(ranges)})
      SELECT h.ord, h.id::text AS iss, h.project_ref, h.vintage, h.lo::text AS iss_lo,
             h.hi::text AS iss_hi, h.host_country, x.src, x.id::text AS id, x.lo::text AS lo, x.hi::text AS hi,
             x.state, x.holder, x.claim_id, x.report_id, x.token_id, x.authorized, x.corresponding_adjustment
      FROM h LEFT JOIN LATERAL (
        SELECT 's' AS src, s.id, lower(s.serials) AS lo, upper(s.serials) - 1 AS hi, s.state, s.holder,
               s.claim_id, s.report_id, s.token_id, s.authorized, s.corresponding_adjustment
        FROM segments s
        WHERE ${overlapsRange("segments", "s", sql`h.id`, sql`h.s`, sql`h.e`)}
        UNION ALL
        SELECT 'u', u.id, lower(u.serials), upper(u.serials) - 1, NULL, NULL, u.claim_id, u.report_id, NULL, NULL, NULL
        FROM use_ranges u
        WHERE ${overlapsRange("use_ranges", "u", sql`h.id`, sql`h.s`, sql`h.e`)}
      ) x ON h.lo <= h.s AND h.hi >= h.e`;
}

/**
 * Status of many ranges in one query: each range is placed in its issuance, and where it lies
 * inside one, that issuance's segments and terminal uses over the range come back beside it.
 * A malformed or unknown entry fails only itself.
 */
export async function statusOfMany(db: Db, log: Logger, inputs: readonly string[]): Promise<StatusResult[]> {
  const { parsed, valid } = parseEach(inputs);
  const hits: IssuanceHit[][] = inputs.map(() => []);
  const segs: Segment[][] = inputs.map(() => []);
  const uses: UseRow[][] = inputs.map(() => []);
  if (valid.length > 0) {
    const found = await preparedRows(db, statusSql(valid.map((v) => v.p)));
    for (const row of found) {
      const index = valid[Number(row.ord) - 1]?.index as number;
      const iss = String(row.iss);
      const own = hits[index] as IssuanceHit[];
      if (!own.some((h) => String(h.id) === iss)) own.push(hitFromRow(row));
      if (row.src === "s") segs[index]?.push(segmentFromRow(row));
      else if (row.src === "u") {
        uses[index]?.push({
          start: big(row.lo),
          end: big(row.hi),
          useId: strOrNull(row.claim_id) ?? strOrNull(row.report_id) ?? "",
        });
      }
    }
    for (const own of hits) own.sort((a, b) => (a.start < b.start ? -1 : 1));
  }
  const resolved = placeEach(parsed, hits);
  return resolved.map((r, index) => {
    const serials = inputs[index] ?? "";
    if ("error" in r) return { serials, error: r.error, status: r.status };
    const range = r.ok;
    const sorted = (segs[index] ?? []).sort((a, b) => (a.start < b.start ? -1 : 1));
    const parts = partsWithin(sorted, range);
    const clippedUses = (uses[index] ?? []).map((u) => ({
      ...u,
      start: u.start > range.start ? u.start : range.start,
      end: u.end < range.end ? u.end : range.end,
    }));
    const doubleCounted = !consistent(range, parts, clippedUses);
    if (doubleCounted) log.error({ serials: formatSerials(range) }, "ledger inconsistency: segments and uses disagree");
    return {
      serials: formatSerials(range),
      quantity: Number(quantityOf(range)),
      doubleCounted,
      parts: parts.map((s) => part(range, s)),
    };
  });
}

export async function statusOf(db: Db, log: Logger, input: string): Promise<Status> {
  const [result] = await statusOfMany(db, log, [input]);
  if (!result || "error" in result) throw resolutionError(input, result);
  return result;
}

const coalescers = new WeakMap<Db, (input: string) => Promise<StatusResult>>();

/**
 * `statusOf` for the public single lookup, where many clients ask at once: lookups that arrive
 * while others are running on the same database are answered together by one query.
 */
export async function coalescedStatusOf(db: Db, log: Logger, input: string): Promise<Status> {
  let lookup = coalescers.get(db);
  if (!lookup) {
    lookup = coalescing((inputs: string[]) => statusOfMany(db, log, inputs), { inFlight: 1, maxBatch: 1000 });
    coalescers.set(db, lookup);
  }
  const result = await lookup(input);
  if ("error" in result) throw resolutionError(input, result);
  return result;
}
