import type { Db } from "../../../db/client.js";
import { type Conflict, invariant, SerialsConflict } from "../core/errors.js";
import {
  decide,
  type Operation,
  POLICY_REFUSALS,
  REFUSALS,
  type RefusalCode,
  strongestRefusal,
} from "../core/rules.js";
import { planChange, type RefusedPart, type UnitAttrs } from "../core/segments.js";
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
    authorized: p.authorized,
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
  return new SerialsConflict(code, REFUSALS[code], [...shown]);
}

/**
 * Applies `op` to every target unit of issuances whose locks the caller already holds, or throws
 * a `SerialsConflict` naming every refused part and writes nothing. `seen` is shown each unit's
 * attributes before the change, for callers that derive something from them.
 */
export async function transitionLocked(
  db: Db,
  groups: readonly IssuanceTargets[],
  op: Operation,
  seen?: (before: UnitAttrs) => void,
): Promise<void> {
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
}
