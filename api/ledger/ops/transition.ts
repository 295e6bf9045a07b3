import type { Db } from "../../../db/client.js";
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
import type { IssuanceTargets } from "../store/resolve.js";
import { loadSegments, replaceSegments } from "../store/segments.js";

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
  const out = [];
  for (const g of groups) {
    const existing = await loadSegments(db, g.issuanceId, g.ranges);
    out.push({ g, parts: g.ranges.flatMap((r) => partsWithin(existing, r)) });
  }
  return out;
}

export interface Transition {
  g: IssuanceTargets;
  changed: Changed[];
}

/**
 * Applies `op` to every target unit of issuances whose locks the caller already holds, or throws
 * a `SerialsConflict` naming every refused part and writes nothing. `seen` is shown each unit's
 * attributes before the change, for callers that derive something from them. Returns what became
 * of the target units.
 */
export async function transitionLocked(
  db: Db,
  groups: readonly IssuanceTargets[],
  op: Operation,
  seen?: (before: UnitAttrs) => void,
): Promise<Transition[]> {
  const plans = [];
  const conflicts: RefusedConflict[] = [];
  for (const g of groups) {
    const existing = await loadSegments(db, g.issuanceId, g.ranges);
    const plan = planChange(existing, g.ranges, (attrs) => {
      seen?.(attrs);
      return decide(attrs, op, g.hostCountry);
    });
    conflicts.push(...plan.conflicts.map((p) => toConflict(g, p)));
    plans.push({ g, existing, plan });
  }
  if (conflicts.length > 0) throw refusal(conflicts);
  for (const { g, existing, plan } of plans) await replaceSegments(db, g.issuanceId, existing, plan.next);
  return plans.map(({ g, plan }) => ({ g, changed: plan.changed }));
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
