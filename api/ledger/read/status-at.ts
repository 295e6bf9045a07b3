import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { rows, strOrNull } from "../../../db/values.js";
import { InvalidRequest, invariant, LedgerError, SerialsNotFound } from "../core/errors.js";
import { intersect, normalize, type Range } from "../core/ranges.js";
import { decide } from "../core/rules.js";
import { freshSegment, partsWithin, planChange, type Segment } from "../core/segments.js";
import { formatSerials, quantityOf, tryParseSerials } from "../core/serials.js";
import { entriesTouching, isJournalKind, journalFromRow } from "../journal/journal.js";
import { emptyHistory, operationOf } from "../journal/replay.js";
import { resolutionError, resolveEach } from "../store/resolve.js";
import { type AuthorizationFacts, part, type Status, type StatusQuery } from "./status.js";

/**
 * The state of a range at a past moment, replayed from the journal through the rules table: only
 * the entries that touched the range are read (by the index on journal ranges), each applied to
 * the range's units alone, since a rule decides each unit on its own. The cost grows with the
 * number of entries that ever touched the range, not with the size of the ledger.
 */
export const STATUS_AT_LIMITS = {
  /** Entries read per statement. */
  page: 2_000,
  /** Entries one answer may replay; a longer history is refused rather than replayed without bound. */
  entries: 100_000,
} as const;

export class HistoryTooLong extends LedgerError {
  readonly status = 422;
  readonly code = "history_too_long";
  constructor(readonly limit: number) {
    super(`More than ${limit} journal entries touched these units; ask about a narrower range`);
  }
  override extensions() {
    return { limit: { name: "STATUS_AT_MAX_ENTRIES", value: this.limit } };
  }
}

export interface StatusAt extends Status {
  at: string;
}

/** The segments of `range` (one issuance) at `at`, replayed; empty if the units were not yet issued. */
export async function replayRangeAt(
  db: Db,
  range: { issuanceId: bigint; registry: string; hostCountry: string } & Range,
  at: Date,
  maxEntries: number = STATUS_AT_LIMITS.entries,
): Promise<{ segments: Segment[]; approaches: Map<string, string>; history: ReturnType<typeof emptyHistory> }> {
  const history = emptyHistory();
  let state: Segment[] = [];
  let after = 0n;
  let replayed = 0;
  for (;;) {
    const page = await entriesTouching(db, range, after, STATUS_AT_LIMITS.page);
    for (const e of page.map(journalFromRow)) {
      after = e.seq;
      replayed += 1;
      if (replayed > maxEntries) throw new HistoryTooLong(maxEntries);
      if (e.at > at || !isJournalKind(e.kind)) continue;
      const op = operationOf(e.kind, e.details, e.actor, history);
      if (op === "none") continue;
      if (op === "issued") {
        state = [freshSegment(range)];
        continue;
      }
      const targets = normalize(
        e.serials.flatMap((s) => {
          const r = tryParseSerials(s);
          if (typeof r === "string" || r.registry !== range.registry) return [];
          return intersect(r, range) ?? [];
        }),
      );
      if (targets.length === 0 || state.length === 0) continue;
      const plan = planChange(state, targets, (u) => decide(u, op, range.hostCountry));
      invariant(plan.conflicts.length === 0, `journal entry ${e.seq} breaks the rules on replay`);
      state = plan.next;
    }
    if (page.length < STATUS_AT_LIMITS.page) break;
  }
  return { segments: state, approaches: history.approaches, history };
}

/** `GET /v1/status/{serials}?at=`: the parts of a range as they stood at `at`, a page at a time. */
export async function statusAt(
  db: Db,
  query: StatusQuery & { at: Date },
  maxEntries: number = STATUS_AT_LIMITS.entries,
): Promise<StatusAt> {
  const [resolved] = await resolveEach(db, [query.serials]);
  if (!resolved || "error" in resolved) throw resolutionError(query.serials, resolved);
  const r = resolved.ok;
  if (query.cursor !== undefined && (query.cursor < r.start || query.cursor > r.end)) {
    throw new InvalidRequest([{ path: "cursor", message: `cursor ${query.cursor} is not a unit of the range` }]);
  }
  const { segments, approaches, history } = await replayRangeAt(db, r, query.at, maxEntries);
  if (segments.length === 0) {
    throw new SerialsNotFound([
      { path: "serials", serials: query.serials, reason: `not yet issued at ${query.at.toISOString()}` },
    ]);
  }
  const [partner] = await rows(db, sql`SELECT id FROM cooperative_approaches WHERE partner = ${r.hostCountry}`);
  const facts = new Map<string, AuthorizationFacts>(
    [...history.authorizations].map(([id, t]) => [
      id,
      { purposes: [...t.purposes], approachId: approaches.get(id) ?? strOrNull(partner?.id) },
    ]),
  );
  const from = query.cursor ?? r.start;
  const all = partsWithin(segments, { start: from, end: r.end });
  const shown = all.slice(0, query.limit);
  const last = shown.at(-1);
  const more = all.length > query.limit && last !== undefined;
  return {
    serials: formatSerials(r),
    quantity: Number(quantityOf(r)),
    doubleCounted: false,
    parts: shown.map((s) => part(r, s, facts)),
    nextCursor: more ? String(last.end + 1n) : null,
    at: query.at.toISOString(),
  };
}
