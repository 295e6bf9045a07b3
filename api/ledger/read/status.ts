import { setImmediate as yieldToLoop } from "node:timers/promises";
import { type SQL, sql } from "drizzle-orm";
import { type Db, runsInProcess } from "../../../db/client.js";
import { overlapsRange } from "../../../db/range-lookup.js";
import { arrayParam, big, preparedRows, type Row, strOrNull } from "../../../db/values.js";
import type { Purpose } from "../core/authorization.js";
import { AnswerTooLarge, InvalidRequest, invariant } from "../core/errors.js";
import { type ItmoBlock, itmoBlock } from "../core/itmo.js";
import { normalize, type Range } from "../core/ranges.js";
import { coversExactly, partsWithin, type Segment, TERMINAL_STATES } from "../core/segments.js";
import { formatSerials, quantityOf, type SerialRange, tryParseSerials } from "../core/serials.js";
import type { Logger } from "../ops/deps.js";
import {
  hitFromRow,
  type IssuanceHit,
  issuanceHitsSql,
  parseEach,
  placeEach,
  type Resolution,
  type ResolvedRange,
  resolutionError,
} from "../store/resolve.js";
import { segmentFromRow } from "../store/segments.js";
import { coalescing } from "./coalesce.js";

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
  /** The Article 6.2 authorization covering the units, as its latest version states it. */
  authorization: PartAuthorization | null;
  /** The ITMO ids of the part's first and last unit, where the units are ITMOs of a known cooperative approach. */
  itmo: ItmoBlock | null;
}

export interface PartAuthorization {
  id: string;
  purposes: Purpose[];
  firstTransferred: boolean;
  correspondingAdjustment: boolean;
}

/** What a status needs of an authorization beyond its id: its purposes and the approach of its ITMOs. */
export interface AuthorizationFacts {
  purposes: Purpose[];
  approachId: string | null;
}

export interface Status {
  serials: string;
  quantity: number;
  doubleCounted: boolean;
  parts: StatusPart[];
  /** The first unit of the next page of parts, or null when this page reaches the end of the range. */
  nextCursor: string | null;
}

export type StatusResult = Status | { serials: string; error: string; status: 400 | 404 };

/** One lookup: a range, and which page of its parts. */
export interface StatusQuery {
  serials: string;
  /** The first unit to describe: where the previous page stopped. */
  cursor?: bigint | undefined;
  /** The most parts to describe. */
  limit: number;
}

/** The bounds of every status answer; see the README's security notes. */
export const STATUS_LIMITS = {
  /** Parts in one page of `GET /v1/status/{serials}` (and its default). */
  partsPerPage: 1_000,
  /** Parts of each range in a batch; the rest is paged with the single lookup. */
  partsPerRangeInBatch: 100,
  /** Ranges one statement looks up, and rows it may return (more, and the ranges are split). */
  statement: { ranges: 1_000, rows: 5_000 },
  /** The same on PGlite, whose statements hold the server's event loop while they run. */
  inProcessStatement: { ranges: 100, rows: 500 },
} as const;

interface UseRow extends Range {
  useId: string;
}

export function part(r: ResolvedRange, s: Segment, facts: ReadonlyMap<string, AuthorizationFacts>): StatusPart {
  const serials = { ...r, start: s.start, end: s.end };
  const auz = s.authorizationId === null ? undefined : facts.get(s.authorizationId);
  return {
    serials: formatSerials(serials),
    quantity: Number(quantityOf(s)),
    state: s.state,
    ...(s.holder ? { holder: s.holder } : {}),
    ...(s.claimId ? { claimId: s.claimId } : {}),
    ...(s.reportId ? { reportId: s.reportId } : {}),
    ...(s.tokenId ? { tokenId: s.tokenId } : {}),
    authorized: s.authorizationId !== null,
    correspondingAdjustment: s.correspondingAdjustment,
    authorization:
      s.authorizationId === null
        ? null
        : {
            id: s.authorizationId,
            purposes: auz?.purposes ?? [],
            firstTransferred: s.firstTransferred,
            correspondingAdjustment: s.correspondingAdjustment,
          },
    itmo: auz?.approachId ? itmoBlock(auz.approachId, r.hostCountry, serials) : null,
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

interface PageSpec {
  range: SerialRange;
  /** The first unit to describe. */
  from: bigint;
  limit: number;
}

/**
 * The one query behind a status: each range placed in its issuance, and where it lies inside one,
 * the first `limit + 1` segments and terminal uses of that issuance from the page's first unit
 * (`src` 's' or 'u'), read in order along the B-tree, so a page costs what it shows. The whole
 * statement returns at most `maxRows + 1` rows: a caller that gets more splits its ranges.
 */
export function statusSql(pages: readonly PageSpec[], maxRows: number): SQL {
  const page = {
    w: arrayParam(
      pages.map((p) => p.from),
      "int8",
    ),
    n: arrayParam(
      pages.map((p) => p.limit + 1),
      "int4",
    ),
  };
  return sql`WITH h AS (${issuanceHitsSql(
    pages.map((p) => p.range),
    page,
  )})
      SELECT h.ord, h.id::text AS iss, h.project_ref, h.vintage, h.lo::text AS iss_lo,
             h.hi::text AS iss_hi, h.host_country, x.src, x.id::text AS id, x.lo::text AS lo, x.hi::text AS hi,
             x.state, x.holder, x.claim_id, x.report_id, x.token_id, x.authorization_id, x.first_transferred,
             x.corresponding_adjustment, x.purposes, x.approach
      FROM h LEFT JOIN LATERAL (
        (SELECT 's' AS src, s.id, lower(s.serials) AS lo, upper(s.serials) - 1 AS hi, s.state, s.holder,
               s.claim_id, s.report_id, s.token_id, s.authorization_id, s.first_transferred, s.corresponding_adjustment,
               v.purposes, coalesce(v.cooperative_approach_id, ca.id) AS approach
         FROM segments s
         LEFT JOIN LATERAL (
           SELECT purposes, cooperative_approach_id FROM authorization_versions
           WHERE authorization_id = s.authorization_id ORDER BY version DESC LIMIT 1) v ON true
         LEFT JOIN cooperative_approaches ca ON ca.partner = h.host_country
         WHERE ${overlapsRange("segments", "s", sql`h.id`, sql`h.w`, sql`h.e`)}
         ORDER BY lower(s.serials) LIMIT h.n)
        UNION ALL
        (SELECT 'u', u.id, lower(u.serials), upper(u.serials) - 1, NULL, NULL, u.claim_id, u.report_id, NULL, NULL,
                NULL, NULL, NULL, NULL
         FROM use_ranges u
         WHERE ${overlapsRange("use_ranges", "u", sql`h.id`, sql`h.w`, sql`h.e`)}
         ORDER BY lower(u.serials) LIMIT h.n)
      ) x ON h.lo <= h.s AND h.hi >= h.e
      LIMIT ${maxRows + 1}`;
}

interface Found {
  hits: IssuanceHit[];
  segs: Segment[];
  uses: UseRow[];
  authorizations: Map<string, AuthorizationFacts>;
}

/** How many ranges one status statement looks up, and how many rows it may return, on this database. */
export function statementBounds(db: Db): { ranges: number; rows: number } {
  return runsInProcess(db) ? STATUS_LIMITS.inProcessStatement : STATUS_LIMITS.statement;
}

function foundOf(pages: readonly PageSpec[], rows: readonly Row[]): Found[] {
  const out: Found[] = pages.map(() => ({ hits: [], segs: [], uses: [], authorizations: new Map() }));
  for (const row of rows) {
    const own = out[Number(row.ord) - 1] as Found;
    const iss = String(row.iss);
    if (!own.hits.some((h) => String(h.id) === iss)) own.hits.push(hitFromRow(row));
    if (row.src === "s") {
      const s = segmentFromRow(row);
      own.segs.push(s);
      if (s.authorizationId !== null) {
        own.authorizations.set(s.authorizationId, {
          purposes: (row.purposes as Purpose[] | null) ?? [],
          approachId: strOrNull(row.approach),
        });
      }
    } else if (row.src === "u") {
      own.uses.push({
        start: big(row.lo),
        end: big(row.hi),
        useId: strOrNull(row.claim_id) ?? strOrNull(row.report_id) ?? "",
      });
    }
  }
  for (const own of out) own.hits.sort((a, b) => (a.start < b.start ? -1 : 1));
  return out;
}

/**
 * The rows of the pages, a bounded statement at a time, each statement's pages (from position
 * `offset`) handed over before the next is sent, with the event loop free in between. A statement
 * that would return more rows than its bound is sent again for half as many ranges, and so are the
 * statements after it; one range alone is bounded by its page size.
 */
async function* statements(db: Db, pages: readonly PageSpec[]): AsyncGenerator<{ offset: number; found: Found[] }> {
  const bounds = statementBounds(db);
  let size: number = bounds.ranges;
  let first = true;
  for (let at = 0; at < pages.length; ) {
    if (!first) await yieldToLoop();
    first = false;
    const chunk = pages.slice(at, at + size);
    // One range alone may return all the rows of its page: a segment and a use per part, and one more.
    const maxRows = Math.max(bounds.rows, ...chunk.map((p) => 2 * (p.limit + 1)));
    const rows = await preparedRows(db, statusSql(chunk, maxRows));
    if (rows.length > maxRows && chunk.length > 1) {
      size = Math.ceil(chunk.length / 2);
      continue;
    }
    invariant(rows.length <= maxRows, "one page returned more rows than its bound allows");
    yield { offset: at, found: foundOf(chunk, rows) };
    at += chunk.length;
  }
}

/** A page of one placed range from its rows: at most `limit` parts, checked against the uses over the same units. */
function pageOf(log: Logger, range: ResolvedRange, from: bigint, limit: number, found: Found): Status {
  const sorted = found.segs.sort((a, b) => (a.start < b.start ? -1 : 1));
  const shown = sorted.slice(0, limit);
  const last = shown.at(-1);
  const more = sorted.length > limit && last !== undefined && last.end < range.end;
  const window = { start: from, end: more && last ? last.end : range.end };
  const parts = partsWithin(shown, window);
  const uses = found.uses
    .filter((u) => u.start <= window.end && u.end >= window.start)
    .map((u) => ({
      ...u,
      start: u.start > window.start ? u.start : window.start,
      end: u.end < window.end ? u.end : window.end,
    }));
  const doubleCounted = !consistent(window, parts, uses);
  if (doubleCounted) log.error({ serials: formatSerials(range) }, "ledger inconsistency: segments and uses disagree");
  return {
    serials: formatSerials(range),
    quantity: Number(quantityOf(range)),
    doubleCounted,
    parts: parts.map((s) => part(range, s, found.authorizations)),
    nextCursor: more ? String(window.end + 1n) : null,
  };
}

function cursorFault(range: Range, cursor: bigint | undefined): string | undefined {
  if (cursor === undefined || (cursor >= range.start && cursor <= range.end)) return undefined;
  return `cursor ${cursor} is not a unit of the range ${range.start}-${range.end}`;
}

/** A single lookup's cursor is checked against its range before anything is looked up. */
function requireCursorInRange(query: StatusQuery): void {
  const parsed = tryParseSerials(query.serials);
  const fault = typeof parsed === "string" ? undefined : cursorFault(parsed, query.cursor);
  if (fault) throw new InvalidRequest([{ path: "cursor", message: fault }]);
}

/**
 * Status of many ranges, each a page of at most its `limit` parts: each range is placed in its
 * issuance, and where it lies inside one, that issuance's segments and terminal uses over the page
 * come back beside it. A malformed or unknown entry fails only itself. Cursors were checked by the
 * caller (`requireCursorInRange`).
 */
export async function statusOfMany(db: Db, log: Logger, queries: readonly StatusQuery[]): Promise<StatusResult[]> {
  const { parsed, valid } = parseEach(queries.map((q) => q.serials));
  const pages = valid.map((v) => {
    const q = queries[v.index] as StatusQuery;
    return { range: v.p, from: q.cursor ?? v.p.start, limit: q.limit };
  });
  const results: (StatusResult | undefined)[] = parsed.map((p, index) =>
    typeof p === "string" ? { serials: (queries[index] as StatusQuery).serials, error: p, status: 400 } : undefined,
  );
  for await (const { offset, found } of statements(db, pages)) {
    for (const [k, f] of found.entries()) {
      const { p, index } = valid[offset + k] as { p: SerialRange; index: number };
      const q = queries[index] as StatusQuery;
      const [r] = placeEach([p], [f.hits]) as [Resolution];
      if ("error" in r) results[index] = { serials: q.serials, error: r.error, status: r.status };
      else {
        invariant(cursorFault(r.ok, q.cursor) === undefined, "a status cursor outside its range was not refused");
        results[index] = pageOf(log, r.ok, q.cursor ?? r.ok.start, q.limit, f);
      }
    }
  }
  return results.map((r) => {
    invariant(r !== undefined, "a status query was neither refused nor looked up");
    return r;
  });
}

/** Ranges of a batch looked up between two checks of its answer's size. */
const BATCH_CHUNK = 1_000;

/**
 * Status of a batch of ranges, each with the first `partsPerRangeInBatch` parts, looked up a
 * bounded statement at a time with the event loop free in between; refused once the answer would
 * hold more than `maxParts` parts, before much more of it is looked up.
 */
export async function statusOfBatch(
  db: Db,
  log: Logger,
  inputs: readonly string[],
  maxParts: number,
): Promise<StatusResult[]> {
  const results: StatusResult[] = [];
  const limit = Math.min(STATUS_LIMITS.partsPerRangeInBatch, maxParts);
  let parts = 0;
  for (let offset = 0; offset < inputs.length; offset += BATCH_CHUNK) {
    if (offset > 0) await yieldToLoop();
    const chunk = inputs.slice(offset, offset + BATCH_CHUNK);
    for (const r of await statusOfMany(
      db,
      log,
      chunk.map((serials) => ({ serials, limit })),
    )) {
      if ("parts" in r) parts += r.parts.length;
      if (parts > maxParts) {
        throw new AnswerTooLarge(
          `The answer would describe more than ${maxParts} parts; ask for fewer ranges at once, or page a range's parts with GET /v1/status/{serials}?cursor=`,
          { name: "STATUS_BATCH_MAX_PARTS", value: maxParts },
        );
      }
      results.push(r);
    }
  }
  return results;
}

export async function statusOf(db: Db, log: Logger, query: StatusQuery): Promise<Status> {
  requireCursorInRange(query);
  const [result] = await statusOfMany(db, log, [query]);
  if (!result || "error" in result) throw resolutionError(query.serials, result);
  return result;
}

const coalescers = new WeakMap<Db, (query: StatusQuery) => Promise<StatusResult>>();

/**
 * `statusOf` for the public single lookup, where many clients ask at once: lookups that arrive
 * while others are running on the same database are answered together by one query.
 */
export async function coalescedStatusOf(db: Db, log: Logger, query: StatusQuery): Promise<Status> {
  let lookup = coalescers.get(db);
  if (!lookup) {
    lookup = coalescing((queries: StatusQuery[]) => statusOfMany(db, log, queries), {
      inFlight: 1,
      maxBatch: STATUS_LIMITS.statement.ranges,
    });
    coalescers.set(db, lookup);
  }
  requireCursorInRange(query);
  const result = await lookup(query);
  if ("error" in result) throw resolutionError(query.serials, result);
  return result;
}
