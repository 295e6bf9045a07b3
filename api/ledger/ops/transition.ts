import type { SQL } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { type NamedWrite, readTogether, writeTogether } from "../../../db/values.js";
import { type Conflict, invariant, SerialsConflict } from "../core/errors.js";
import type { ItmoTrace } from "../core/itmo.js";
import {
  decide,
  FORBIDDEN_REFUSALS,
  type Operation,
  POLICY_REFUSALS,
  REFUSALS,
  REMEDIES,
  type RefusalCode,
  strongestRefusal,
} from "../core/rules.js";
import {
  type Changed,
  partsWithin,
  planChange,
  type RefusedPart,
  type Segment,
  type UnitAttrs,
} from "../core/segments.js";
import { formatSerials } from "../core/serials.js";
import { type JournalSlots, journalSlotsFromRows, journalSlotsSql } from "../journal/journal.js";
import type { IssuanceTargets } from "../store/resolve.js";
import {
  loadTargetSegments,
  type StoredSegment,
  segmentsPerGroup,
  segmentWrites,
  targetSegmentsSql,
} from "../store/segments.js";
import { unitChain } from "./selection.js";

type RefusedConflict = Conflict & { reason: RefusalCode };

export function toConflict(g: IssuanceTargets, p: RefusedPart): RefusedConflict {
  return {
    serials: formatSerials({ ...g, start: p.start, end: p.end }),
    state: p.state,
    holder: p.holder,
    claimId: p.claimId,
    reportId: p.reportId,
    tokenId: p.tokenId,
    authorized: p.authorizationId !== null,
    authorizationId: p.authorizationId,
    firstTransferred: p.firstTransferred,
    correspondingAdjustment: p.correspondingAdjustment,
    reason: p.reason,
  };
}

/**
 * The answer to a refused change: the strongest code among the refused parts. Refusals of state
 * come before refusals of policy: a request that touches units it may not move is answered with
 * those units alone.
 */
export function refusal(conflicts: readonly RefusedConflict[]): SerialsConflict {
  const stateLevel = conflicts.filter((c) => !POLICY_REFUSALS.has(c.reason));
  const shown = stateLevel.length > 0 ? stateLevel : conflicts;
  const [first, ...rest] = shown;
  invariant(first !== undefined, "a refusal names at least one refused part");
  const code = strongestRefusal(first.reason, ...rest.map((c) => c.reason));
  const status = FORBIDDEN_REFUSALS.has(code) ? 403 : 409;
  return new SerialsConflict(code, REFUSALS[code], [...shown], {}, status, REMEDIES[code]);
}

/** The target units of each group as they stand, without changing them (the caller holds the locks). */
export async function unitsOf(
  db: Db,
  groups: readonly IssuanceTargets[],
): Promise<{ g: IssuanceTargets; parts: Segment[] }[]> {
  const existing = await loadTargetSegments(db, groups);
  return groups.map((g, i) => ({ g, parts: g.ranges.flatMap((r) => partsWithin(existing[i] ?? [], r)) }));
}

/**
 * What an operation on units reads under its issuances' locks, in one statement: the target
 * segments, and the number and chain head of its one journal entry (on the groups' chain).
 */
export async function readLocked(
  db: Db,
  groups: readonly IssuanceTargets[],
): Promise<{ existing: StoredSegment[][]; slots: JournalSlots }> {
  const read = await readTogether(db, {
    segments: targetSegmentsSql(groups),
    journal: journalSlotsSql(1, [unitChain(groups)]),
  });
  return { existing: segmentsPerGroup(groups, read.segments), slots: journalSlotsFromRows(read.journal) };
}

/** The authorizations covering any target unit, by the segments read under the locks. */
export function authorizationIdsWithin(
  groups: readonly IssuanceTargets[],
  existing: readonly (readonly StoredSegment[])[],
): string[] {
  const ids = groups.flatMap((g, i) =>
    g.ranges.flatMap((r) => partsWithin(existing[i] ?? [], r).map((p) => p.authorizationId)),
  );
  return [...new Set(ids.filter((id) => id !== null))];
}

export interface Transition {
  g: IssuanceTargets;
  changed: Changed[];
}

/** A change planned on the segments read under the locks, and the writes that make it. */
export interface PlannedTransition {
  moved: Transition[];
  writes: (SQL | NamedWrite)[];
}

/**
 * Plans `op` on every target unit of the groups, given each group's segments as read under its
 * issuance's lock (`targetSegmentsSql`), or throws a `SerialsConflict` naming every refused part.
 * `seen` is shown each unit's attributes before the change, for callers that derive something from
 * them. Writes nothing: the writes can join the operation's other writes in one statement.
 */
export function planTransition(
  groups: readonly IssuanceTargets[],
  existing: readonly (readonly StoredSegment[])[],
  op: Operation,
  seen?: (before: UnitAttrs) => void,
): PlannedTransition {
  const conflicts: RefusedConflict[] = [];
  const plans = groups.map((g, i) => {
    const old = existing[i] ?? [];
    const plan = planChange(old, g.ranges, (attrs) => {
      seen?.(attrs);
      return decide(attrs, op, g.hostCountry);
    });
    conflicts.push(...plan.conflicts.map((p) => toConflict(g, p)));
    return { g, old, plan };
  });
  if (conflicts.length > 0) throw refusal(conflicts);
  return {
    moved: plans.map(({ g, plan }) => ({ g, changed: plan.changed })),
    writes: segmentWrites(plans.map(({ g, old, plan }) => ({ issuanceId: g.issuanceId, old, next: plan.next }))),
  };
}

/**
 * Applies `op` to every target unit of issuances whose locks the caller already holds, or throws
 * a `SerialsConflict` naming every refused part and writes nothing. Returns what became of the
 * target units.
 */
export async function transitionLocked(
  db: Db,
  groups: readonly IssuanceTargets[],
  op: Operation,
  seen?: (before: UnitAttrs) => void,
): Promise<Transition[]> {
  const planned = planTransition(groups, await loadTargetSegments(db, groups), op, seen);
  await writeTogether(db, planned.writes);
  return planned.moved;
}

/**
 * The ITMO blocks of a transition, for its journal entry: the AEF is derived from these, so a
 * block is split wherever its authorization or its first transfer differs.
 */
export function itmoTrace(transitions: readonly Transition[]): ItmoTrace[] {
  return transitions.flatMap(({ g, changed }) => {
    const blocks: { start: bigint; end: bigint; authorizationId: string; firstTransfer: boolean }[] = [];
    for (const c of changed) {
      const authorizationId = c.after.authorizationId ?? c.before.authorizationId;
      if (authorizationId === null) continue;
      const firstTransfer = !c.before.firstTransferred && c.after.firstTransferred;
      const last = blocks.at(-1);
      if (
        last &&
        last.end + 1n === c.start &&
        last.authorizationId === authorizationId &&
        last.firstTransfer === firstTransfer
      ) {
        last.end = c.end;
      } else {
        blocks.push({ start: c.start, end: c.end, authorizationId, firstTransfer });
      }
    }
    return blocks.map((b) => ({
      serials: formatSerials({ ...g, start: b.start, end: b.end }),
      authorizationId: b.authorizationId,
      firstTransfer: b.firstTransfer,
    }));
  });
}
