import { invariant } from "./errors.js";
import { type Range, total } from "./ranges.js";
import type { RefusalCode } from "./rules.js";

/**
 * The pure heart of the ledger: segments are maximal runs of consecutive units of one issuance
 * sharing every attribute. `planChange` decides the new segments from the old ones; a single
 * writer in `store.ts` applies the plan.
 */
export const UNIT_STATES = ["in_registry", "held", "tokenized", "claimed", "government_used", "cancelled"] as const;
export type UnitState = (typeof UNIT_STATES)[number];
export const TERMINAL_STATES: readonly UnitState[] = ["claimed", "government_used", "cancelled"];

export interface UnitAttrs {
  state: UnitState;
  holder: string | null;
  claimId: string | null;
  reportId: string | null;
  tokenId: string | null;
  /** The Article 6.2 authorization covering the units (`auz_…`), if any. */
  authorizationId: string | null;
  /** The host's first transfer of the units happened (once, ever). */
  firstTransferred: boolean;
  correspondingAdjustment: boolean;
}

export interface Segment extends Range, UnitAttrs {}

export type Decision = { ok: UnitAttrs } | { refuse: RefusalCode };
export type Change = (attrs: UnitAttrs) => Decision;

export interface RefusedPart extends Segment {
  reason: RefusalCode;
}

/** A run of target units and what the change made of them. */
export interface Changed extends Range {
  before: UnitAttrs;
  after: UnitAttrs;
}

export interface Plan {
  /** Requested units that the change refuses, merged into maximal parts. */
  conflicts: RefusedPart[];
  /** Replacement for exactly the units of `existing`, maximal and sorted. */
  next: Segment[];
  /** The target units, sorted, as they were and as they become (empty when refused). */
  changed: Changed[];
}

/** Units as an issuance creates them: in the registry, unclaimed, unauthorized, not transferred, not adjusted. */
export function freshSegment(range: Range): Segment {
  return {
    start: range.start,
    end: range.end,
    state: "in_registry",
    holder: null,
    claimId: null,
    reportId: null,
    tokenId: null,
    authorizationId: null,
    firstTransferred: false,
    correspondingAdjustment: false,
  };
}

export function attrsOf(s: UnitAttrs): UnitAttrs {
  return {
    state: s.state,
    holder: s.holder,
    claimId: s.claimId,
    reportId: s.reportId,
    tokenId: s.tokenId,
    authorizationId: s.authorizationId,
    firstTransferred: s.firstTransferred,
    correspondingAdjustment: s.correspondingAdjustment,
  };
}

export function sameAttrs(a: UnitAttrs, b: UnitAttrs): boolean {
  return (
    a.state === b.state &&
    a.holder === b.holder &&
    a.claimId === b.claimId &&
    a.reportId === b.reportId &&
    a.tokenId === b.tokenId &&
    a.authorizationId === b.authorizationId &&
    a.firstTransferred === b.firstTransferred &&
    a.correspondingAdjustment === b.correspondingAdjustment
  );
}

/** Joins neighbours that touch and share every attribute. Input sorted and disjoint. */
export function mergeSegments<T extends Segment>(
  segments: readonly T[],
  same: (a: T, b: T) => boolean = sameAttrs,
): T[] {
  const out: T[] = [];
  for (const s of segments) {
    const last = out.at(-1);
    if (last && last.end + 1n === s.start && same(last, s)) {
      out[out.length - 1] = { ...last, end: s.end };
    } else {
      out.push({ ...s });
    }
  }
  return out;
}

export function assertSortedDisjoint(segments: readonly Range[], what: string): void {
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1];
    const cur = segments[i];
    invariant(prev && cur && prev.end < cur.start, `${what} overlap or are unsorted at index ${i}`);
  }
}

/**
 * Applies `change` to every unit of `targets` (sorted, disjoint, each covered by `existing`) and
 * returns either the refused parts or the new segments. `existing` is sorted and disjoint and may
 * include untouched neighbours, which are merged with changed units where they now match.
 */
export function planChange(existing: readonly Segment[], targets: readonly Range[], change: Change): Plan {
  assertSortedDisjoint(existing, "existing segments");
  assertSortedDisjoint(targets, "target ranges");
  const pieces: Segment[] = [];
  const changed: Changed[] = [];
  const refused: RefusedPart[] = [];
  let covered = 0n;
  let t = 0;
  for (const seg of existing) {
    while (t < targets.length && (targets[t] as Range).end < seg.start) t++;
    let cursor = seg.start;
    let decision: Decision | undefined;
    for (let k = t; k < targets.length; k++) {
      const target = targets[k] as Range;
      if (target.start > seg.end) break;
      const from = target.start > cursor ? target.start : cursor;
      const to = target.end < seg.end ? target.end : seg.end;
      if (from > to) continue;
      if (from > cursor) pieces.push({ ...attrsOf(seg), start: cursor, end: from - 1n });
      decision ??= change(attrsOf(seg));
      covered += to - from + 1n;
      if ("refuse" in decision) {
        refused.push({ ...attrsOf(seg), start: from, end: to, reason: decision.refuse });
        pieces.push({ ...attrsOf(seg), start: from, end: to });
      } else {
        pieces.push({ ...decision.ok, start: from, end: to });
        changed.push({ start: from, end: to, before: attrsOf(seg), after: decision.ok });
      }
      cursor = to + 1n;
    }
    if (cursor <= seg.end) pieces.push({ ...attrsOf(seg), start: cursor, end: seg.end });
  }
  invariant(covered === total(targets), "target units are not all covered by segments");
  if (refused.length > 0) {
    const conflicts = mergeSegments(refused, (a, b) => sameAttrs(a, b) && a.reason === b.reason);
    return { conflicts, next: [], changed: [] };
  }
  const next = mergeSegments(pieces);
  invariant(total(next) === total(existing), "a change must conserve the units of an issuance");
  return { conflicts: [], next, changed };
}

/** The parts of `range` as the (sorted, disjoint) segments describe them. */
export function partsWithin(segments: readonly Segment[], range: Range): Segment[] {
  const parts: Segment[] = [];
  for (const s of segments) {
    const start = s.start > range.start ? s.start : range.start;
    const end = s.end < range.end ? s.end : range.end;
    if (start <= end) parts.push({ ...attrsOf(s), start, end });
  }
  return mergeSegments(parts);
}

/** Whether the segments cover `range` exactly, with no gap and no overlap. */
export function coversExactly(segments: readonly Range[], range: Range): boolean {
  let expected = range.start;
  for (const s of segments) {
    if (s.start !== expected || s.end < s.start) return false;
    expected = s.end + 1n;
  }
  return expected === range.end + 1n;
}
