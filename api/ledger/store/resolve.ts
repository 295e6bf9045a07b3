import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { type RangeColumns, requestedRanges } from "../../../db/range-lookup.js";
import { big, preparedRows, type Row, str } from "../../../db/values.js";
import { InvalidRequest, InvalidSerials, type LedgerError, SerialsNotFound } from "../core/errors.js";
import { formatIssuanceId, type IssuanceId, issuanceIdOf } from "../core/ids.js";
import { normalize, overlaps, type Range } from "../core/ranges.js";
import { formatSerials, type SerialRange, tryParseSerials } from "../core/serials.js";

/** One requested serial range, placed inside the issuance that holds it. */
export interface ResolvedRange extends SerialRange {
  index: number;
  issuanceId: IssuanceId;
  hostCountry: string;
}

export interface IssuanceHit {
  id: IssuanceId;
  projectRef: string;
  vintage: number;
  start: bigint;
  end: bigint;
  hostCountry: string;
}

const span = (r: Range) => (r.start === r.end ? `unit ${r.start}` : `units ${r.start}-${r.end}`);

/** Why a parsed range does not lie inside one issuance, or the issuance it lies in. */
function place(r: SerialRange, hits: IssuanceHit[]): IssuanceHit | string {
  const [first, second] = hits;
  if (!first) return `no issuance in registry ${r.registry} contains ${span(r)}`;
  if (second || first.start > r.start || first.end < r.end) {
    const whole = `JCM-${r.registry}-${first.projectRef}-${first.vintage}-${first.start}-${first.end}`;
    return `${span(r)} extend beyond issuance ${formatIssuanceId(first.id)} (${whole})`;
  }
  if (first.projectRef !== r.project) {
    return `${span(r)} of registry ${r.registry} belong to project ${first.projectRef}, not ${r.project}`;
  }
  if (first.vintage !== r.vintage) {
    return `${span(r)} of registry ${r.registry} have vintage ${first.vintage}, not ${r.vintage}`;
  }
  return first;
}

/**
 * For each requested range (`ord` from 1), up to two issuances of its registry that overlap it, with
 * the project's host country: one means the range may lie inside it, two that it straddles.
 * Issuances of a registry never overlap, so the two starting last at or before the range's end are
 * the only candidates.
 */
export function issuanceHitsSql(parsed: readonly SerialRange[], extra: RangeColumns = {}): SQL {
  const more = sql.raw(
    Object.keys(extra)
      .map((name) => `r.${name}, `)
      .join(""),
  );
  return sql`SELECT r.ord::int AS ord, r.s, r.e, ${more}i.id, i.project_ref, i.vintage,
                    lower(i.serials) AS lo, upper(i.serials) - 1 AS hi, p.host_country
             FROM ${requestedRanges(parsed, extra)}
             JOIN LATERAL (
               SELECT * FROM issuances i
               WHERE i.registry = r.registry AND lower(i.serials) <= r.e
               ORDER BY lower(i.serials) DESC LIMIT 2
             ) i ON upper(i.serials) > r.s
             JOIN projects p ON p.ref = i.project_ref`;
}

/** An issuance hit from a row with the columns `iss, project_ref, vintage, iss_lo, iss_hi, host_country` as text. */
export function hitFromRow(row: Row): IssuanceHit {
  return {
    id: issuanceIdOf(big(row.iss)),
    projectRef: str(row.project_ref),
    vintage: Number(row.vintage),
    start: big(row.iss_lo),
    end: big(row.iss_hi),
    hostCountry: str(row.host_country),
  };
}

const HIT_COLUMNS = sql.raw(
  "h.ord, h.id::text AS iss, h.project_ref, h.vintage, h.lo::text AS iss_lo, h.hi::text AS iss_hi, h.host_country",
);

/**
 * The issuances each valid input hits, by input position (`count` inputs in all). With `lock`, the
 * same statement takes the write lock of every issuance hit, in id order (as `lockIssuances`):
 * issuances never change, so placing before the lock is the same as placing after it.
 */
async function lookup(
  db: Db,
  valid: readonly { p: SerialRange; index: number }[],
  count: number,
  lock: boolean,
): Promise<IssuanceHit[][]> {
  const hits: IssuanceHit[][] = Array.from({ length: count }, () => []);
  if (valid.length === 0) return hits;
  const placement = issuanceHitsSql(valid.map((v) => v.p));
  const found = await preparedRows(
    db,
    lock
      ? sql`WITH h AS (${placement}),
                 locked AS (SELECT i.id FROM issuances i WHERE i.id IN (SELECT h.id FROM h) ORDER BY i.id FOR NO KEY UPDATE)
            SELECT ${HIT_COLUMNS} FROM h WHERE (SELECT count(*) FROM locked) >= 0 ORDER BY h.ord, h.lo`
      : sql`SELECT ${HIT_COLUMNS} FROM (${placement}) h ORDER BY h.ord, h.lo`,
  );
  for (const row of found) hits[valid[Number(row.ord) - 1]?.index as number]?.push(hitFromRow(row));
  return hits;
}

export type Resolution = { ok: ResolvedRange } | { error: string; status: 400 | 404 };

/** The error a single range that failed to resolve is answered with: malformed 400, unknown 404. */
export function resolutionError(input: string, failed: { error: string; status: 400 | 404 } | undefined): LedgerError {
  if (failed?.status === 404) return new SerialsNotFound([{ path: "serials", serials: input, reason: failed.error }]);
  return new InvalidSerials(input, failed?.error ?? "invalid serials");
}

/** Places every parsed input (or passes on why it could not be parsed) given the issuances it hit. */
export function placeEach(parsed: readonly (SerialRange | string)[], hits: readonly IssuanceHit[][]): Resolution[] {
  return parsed.map((p, index) => {
    if (typeof p === "string") return { error: p, status: 400 as const };
    const placed = place(p, hits[index] ?? []);
    return typeof placed === "string"
      ? { error: placed, status: 404 as const }
      : { ok: { ...p, index, issuanceId: placed.id, hostCountry: placed.hostCountry } };
  });
}

/** Every input parsed (or why it cannot be), and the parsed ones with their positions: what a lookup asks for. */
export function parseEach(inputs: readonly string[]): {
  parsed: (SerialRange | string)[];
  valid: { p: SerialRange; index: number }[];
} {
  const parsed = inputs.map((input) => tryParseSerials(input));
  const valid = parsed.flatMap((p, index) => (typeof p === "string" ? [] : [{ p, index }]));
  return { parsed, valid };
}

/** Resolves every input independently (for batch status, where one bad entry fails only itself). */
export async function resolveEach(db: Db, inputs: readonly string[], lock = false): Promise<Resolution[]> {
  const { parsed, valid } = parseEach(inputs);
  return placeEach(parsed, await lookup(db, valid, inputs.length, lock));
}

/**
 * Resolves a request's `serials`: every malformed entry is a 400, every entry outside the
 * issuances a 404, and entries that overlap each other are a 400 — all reported at once. With
 * `lock`, the issuances are locked by the same statement (see `lookup`).
 */
export async function resolveAll(
  db: Db,
  inputs: readonly string[],
  options: { path?: string; lock?: boolean } = {},
): Promise<ResolvedRange[]> {
  const path = options.path ?? "serials";
  const results = await resolveEach(db, inputs, options.lock);
  const malformed = results.flatMap((r, i) =>
    "error" in r && r.status === 400 ? [{ path: `${path}.${i}`, message: r.error }] : [],
  );
  if (malformed.length > 0) throw new InvalidRequest(malformed);
  const unknown = results.flatMap((r, i) =>
    "error" in r ? [{ path: `${path}.${i}`, serials: inputs[i] ?? "", reason: r.error }] : [],
  );
  if (unknown.length > 0) throw new SerialsNotFound(unknown);
  const resolved = results.map((r) => (r as { ok: ResolvedRange }).ok);
  const overlapping: { path: string; message: string }[] = [];
  const sorted = [...resolved].sort((a, b) =>
    a.issuanceId !== b.issuanceId ? (a.issuanceId < b.issuanceId ? -1 : 1) : a.start < b.start ? -1 : 1,
  );
  for (let k = 1; k < sorted.length; k++) {
    const a = sorted[k - 1] as ResolvedRange;
    const b = sorted[k] as ResolvedRange;
    if (a.issuanceId === b.issuanceId && overlaps(a, b)) {
      const [first, second] = a.index < b.index ? [a, b] : [b, a];
      overlapping.push({ path: `${path}.${second.index}`, message: `overlaps ${path}.${first.index}` });
    }
  }
  if (overlapping.length > 0) throw new InvalidRequest(overlapping);
  return resolved;
}

/** A request's ranges grouped per issuance, joined and sorted, in issuance order. */
export interface IssuanceTargets {
  issuanceId: IssuanceId;
  registry: string;
  project: string;
  vintage: number;
  hostCountry: string;
  ranges: Range[];
}

export function groupByIssuance(resolved: readonly ResolvedRange[]): IssuanceTargets[] {
  const groups = new Map<bigint, IssuanceTargets>();
  for (const r of resolved) {
    let g = groups.get(r.issuanceId);
    if (!g) {
      g = {
        issuanceId: r.issuanceId,
        registry: r.registry,
        project: r.project,
        vintage: r.vintage,
        hostCountry: r.hostCountry,
        ranges: [],
      };
      groups.set(r.issuanceId, g);
    }
    g.ranges.push({ start: r.start, end: r.end });
  }
  return [...groups.values()]
    .map((g) => ({ ...g, ranges: normalize(g.ranges) }))
    .sort((a, b) => (a.issuanceId < b.issuanceId ? -1 : 1));
}

export function formatTargets(groups: readonly IssuanceTargets[]): string[] {
  return groups.flatMap((g) => g.ranges.map((r) => formatSerials({ ...g, ...r })));
}
