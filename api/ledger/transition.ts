import type { Db } from "../../db/client.js";
import { type Conflict, SerialsConflict } from "./errors.js";
import type { IssuanceTargets } from "./resolve.js";
import { type Decision, planChange, type RefusedPart, type UnitAttrs } from "./segments.js";
import { formatSerials } from "./serials.js";
import { loadSegments, replaceSegments } from "./store.js";

/**
 * Why units refuse a change, strongest first. Refusals of state come before refusals of policy:
 * a request that touches units it may not move is answered with those units alone.
 */
export const REFUSALS = {
  serials_already_claimed: "Some of the units are already claimed",
  serials_government_used: "Some of the units are already counted by a government toward its NDC",
  serials_in_voluntary_use: "Some of the units are in voluntary use: held in the bridge, tokenized or claimed",
  serials_correspondingly_adjusted:
    "The host country reported a corresponding adjustment for some of the units: it transferred them and cannot count them toward its own NDC",
  serials_counted_by_host:
    "The host country counts some of the units toward its own NDC: it cannot also report a corresponding adjustment for them",
  serials_tokenized: "Some of the units are tokenized; only an on-chain event can move them",
  serials_not_in_registry: "Some of the units are not in the registry",
  serials_not_held: "Some of the units are not held by the caller",
  compensation_requires_corresponding_adjustment:
    "A compensation claim needs units authorized by the host country and covered by a corresponding adjustment",
} as const;
export type RefusalCode = keyof typeof REFUSALS;
const POLICY: readonly RefusalCode[] = ["compensation_requires_corresponding_adjustment"];

export function toConflict(g: IssuanceTargets, p: RefusedPart): Conflict {
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

export function refusal(conflicts: Conflict[]): SerialsConflict {
  const order = Object.keys(REFUSALS) as RefusalCode[];
  const stateLevel = conflicts.filter((c) => !POLICY.includes(c.reason as RefusalCode));
  const shown = stateLevel.length > 0 ? stateLevel : conflicts;
  const code = order.find((code) => shown.some((c) => c.reason === code)) ?? "serials_conflict";
  const message = code in REFUSALS ? REFUSALS[code as RefusalCode] : "Some of the units cannot change";
  return new SerialsConflict(code, message, shown);
}

/**
 * Applies `change` to every target unit of issuances whose locks the caller already holds (the
 * change also sees which issuance the unit belongs to), or
 * throws a `SerialsConflict` naming every refused part and writes nothing.
 */
export async function transitionLocked(
  db: Db,
  groups: readonly IssuanceTargets[],
  change: (attrs: UnitAttrs, issuance: IssuanceTargets) => Decision,
): Promise<void> {
  const plans = [];
  const conflicts: Conflict[] = [];
  for (const g of groups) {
    const existing = await loadSegments(db, g.issuanceId, g.ranges);
    const plan = planChange(existing, g.ranges, (attrs) => change(attrs, g));
    conflicts.push(...plan.conflicts.map((p) => toConflict(g, p)));
    plans.push({ g, existing, plan });
  }
  if (conflicts.length > 0) throw refusal(conflicts);
  for (const { g, existing, plan } of plans) await replaceSegments(db, g.issuanceId, existing, plan.next);
}
