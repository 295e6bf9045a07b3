import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { arrayParam, big, rows, strOrNull } from "../../db/values.js";
import type { Logger } from "./deps.js";
import { normalize, type Range } from "./ranges.js";
import { type ResolvedRange, resolutionError, resolveEach } from "./resolve.js";
import { coversExactly, partsWithin, type Segment, TERMINAL_STATES } from "./segments.js";
import { formatSerials, quantityOf } from "./serials.js";
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

/** Status of many ranges in two queries; a malformed or unknown entry fails only itself. */
export async function statusOfMany(db: Db, log: Logger, inputs: readonly string[]): Promise<StatusResult[]> {
  const resolved = await resolveEach(db, inputs);
  const ok = resolved.flatMap((r) => ("ok" in r ? [r.ok] : []));
  const segs: Segment[][] = inputs.map(() => []);
  const uses: UseRow[][] = inputs.map(() => []);
  if (ok.length > 0) {
    const params = sql`unnest(${arrayParam(
      ok.map((r) => r.index + 1),
      "int4",
    )}, ${arrayParam(
      ok.map((r) => r.issuanceId),
      "int8",
    )}, ${arrayParam(
      ok.map((r) => r.start),
      "int8",
    )}, ${arrayParam(
      ok.map((r) => r.end),
      "int8",
    )}) AS r(ord, iss, s, e)`;
    const found = await rows(
      db,
      sql`SELECT r.ord, 's' AS src, s.id::text AS id, lower(s.serials)::text AS lo, (upper(s.serials) - 1)::text AS hi,
                 s.state, s.holder, s.claim_id, s.report_id, s.token_id, s.authorized, s.corresponding_adjustment
          FROM ${params} JOIN segments s ON s.issuance_id = r.iss AND s.serials && int8range(r.s, r.e, '[]')
          UNION ALL
          SELECT r.ord, 'u', u.id::text, lower(u.serials)::text, (upper(u.serials) - 1)::text,
                 NULL, NULL, u.claim_id, u.report_id, NULL, NULL, NULL
          FROM ${params} JOIN use_ranges u ON u.issuance_id = r.iss AND u.serials && int8range(r.s, r.e, '[]')`,
    );
    for (const row of found) {
      const index = Number(row.ord) - 1;
      if (row.src === "s") segs[index]?.push(segmentFromRow(row));
      else {
        uses[index]?.push({
          start: big(row.lo),
          end: big(row.hi),
          useId: strOrNull(row.claim_id) ?? strOrNull(row.report_id) ?? "",
        });
      }
    }
  }
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
