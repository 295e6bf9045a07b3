import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LedgerInvariantViolation } from "../../api/ledger/core/errors.js";
import { normalize, type Range } from "../../api/ledger/core/ranges.js";
import {
  attrsOf,
  type Change,
  coversExactly,
  freshSegment,
  mergeSegments,
  partsWithin,
  planChange,
  type Segment,
  sameAttrs,
  type UnitAttrs,
} from "../../api/ledger/core/segments.js";

const seg = (start: number, end: number, attrs: Partial<UnitAttrs> = {}): Segment => ({
  ...freshSegment({ start: BigInt(start), end: BigInt(end) }),
  ...attrs,
});

/** The model: one attribute record per unit. */
function expand(segments: readonly Segment[]): Map<bigint, UnitAttrs> {
  const units = new Map<bigint, UnitAttrs>();
  for (const s of segments)
    for (let u = s.start; u <= s.end; u++)
      units.set(u, { ...s, start: undefined, end: undefined } as unknown as UnitAttrs);
  return units;
}

const holders = fc.constantFrom(null, "org_a", "org_b");
const attrs: fc.Arbitrary<UnitAttrs> = fc
  .record({
    state: fc.constantFrom("in_registry", "held"),
    holder: holders,
    claimId: fc.constant(null),
    reportId: fc.constant(null),
    tokenId: fc.constant(null),
    authorizationId: fc.constantFrom(null, "auz_a"),
    firstTransferred: fc.constant(false),
    correspondingAdjustment: fc.boolean(),
  })
  .map((a) => (a.state === "held" ? { ...a, holder: a.holder ?? "org_a" } : { ...a, holder: null }));

/** A random issuance 1..n split into random segments (merged so they are maximal). */
const ledger = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 6 }), attrs), { minLength: 1, maxLength: 12 })
  .map((parts) => {
    let at = 1;
    const segs = parts.map(([len, a]) => {
      const s = seg(at, at + len - 1, a);
      at += len;
      return s;
    });
    return mergeSegments(segs);
  });

const targetsWithin = (n: number) =>
  fc
    .array(fc.tuple(fc.integer({ min: 1, max: n }), fc.integer({ min: 1, max: n })), { minLength: 1, maxLength: 4 })
    .map((pairs) => normalize(pairs.map(([a, b]) => ({ start: BigInt(Math.min(a, b)), end: BigInt(Math.max(a, b)) }))));

const claimIfHeldBy =
  (holder: string): Change =>
  (u) =>
    u.state === "held" && u.holder === holder
      ? { ok: { ...u, state: "claimed", claimId: "clm_x", holder } }
      : { refuse: u.state === "held" ? "serials_not_held" : "serials_not_in_registry" };

describe("planChange", () => {
  it("agrees with a per-unit model: changed units change, others keep, segments stay maximal (property)", () => {
    fc.assert(
      fc.property(
        ledger.chain((l) => fc.tuple(fc.constant(l), targetsWithin(Number(l.at(-1)?.end ?? 1n)))),
        ([existing, targets]) => {
          const change = claimIfHeldBy("org_a");
          const plan = planChange(existing, targets, change);
          const before = expand(existing);
          const inTargets = (u: bigint) => targets.some((t) => t.start <= u && u <= t.end);
          const refusedUnits = [...before].filter(([u, a]) => inTargets(u) && "refuse" in change(a));
          if (refusedUnits.length > 0) {
            expect(plan.next).toEqual([]);
            const conflictUnits = plan.conflicts.reduce((n, c) => n + Number(c.end - c.start + 1n), 0);
            expect(conflictUnits).toBe(refusedUnits.length);
            for (const c of plan.conflicts) for (let u = c.start; u <= c.end; u++) expect(inTargets(u)).toBe(true);
            return;
          }
          const after = expand(plan.next);
          expect(after.size).toBe(before.size);
          for (const [u, a] of before) {
            const expected = inTargets(u) ? (change(a) as { ok: UnitAttrs }).ok : a;
            expect(after.get(u)).toEqual(expected);
          }
          expect(mergeSegments(plan.next)).toEqual(plan.next);
          expect(coversExactly(plan.next, { start: 1n, end: existing.at(-1)?.end ?? 1n })).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("reports exactly the refused units, merged per state and holder", () => {
    const existing = [
      seg(1, 10, { state: "held", holder: "org_a" }),
      seg(11, 20, { state: "held", holder: "org_b" }),
      seg(21, 30),
    ];
    const plan = planChange(existing, [{ start: 5n, end: 25n }], claimIfHeldBy("org_a"));
    expect(plan.conflicts.map((c) => [c.start, c.end, c.holder, c.reason])).toEqual([
      [11n, 20n, "org_b", "serials_not_held"],
      [21n, 25n, null, "serials_not_in_registry"],
    ]);
    expect(plan.next).toEqual([]);
  });

  it("merges changed units with matching neighbours", () => {
    const existing = [seg(1, 10, { state: "held", holder: "org_b" }), seg(11, 20, { state: "held", holder: "org_a" })];
    const plan = planChange(existing, [{ start: 11n, end: 20n }], (u) => ({ ok: { ...u, holder: "org_b" } }));
    expect(plan.next).toEqual([seg(1, 20, { state: "held", holder: "org_b" })]);
  });

  it("treats target units without a segment as a broken invariant, not as a client error", () => {
    const targets: Range[] = [{ start: 1n, end: 15n }];
    expect(() => planChange([seg(1, 10)], targets, (u) => ({ ok: u }))).toThrow(LedgerInvariantViolation);
    expect(() => planChange([seg(1, 10), seg(5, 12)], [{ start: 1n, end: 2n }], (u) => ({ ok: u }))).toThrow(
      LedgerInvariantViolation,
    );
  });

  it("partsWithin clips segments to the asked range", () => {
    const parts = partsWithin([seg(1, 10), seg(11, 20, { authorizationId: "auz_a" })], { start: 5n, end: 12n });
    expect(parts.map((p) => [p.start, p.end, p.authorizationId])).toEqual([
      [5n, 10n, null],
      [11n, 12n, "auz_a"],
    ]);
  });
});

describe("segment attributes and bounds", () => {
  it("a fresh segment is in the registry, held by no one, used by nothing, neither authorized nor adjusted", () => {
    expect(freshSegment({ start: 3n, end: 9n })).toEqual({
      start: 3n,
      end: 9n,
      state: "in_registry",
      holder: null,
      claimId: null,
      reportId: null,
      tokenId: null,
      authorizationId: null,
      firstTransferred: false,
      correspondingAdjustment: false,
    });
  });

  it("sameAttrs tells apart segments that differ in any one attribute", () => {
    const base = attrsOf(seg(1, 1, { state: "held", holder: "org_a" }));
    expect(sameAttrs(base, { ...base })).toBe(true);
    const variants: Partial<UnitAttrs>[] = [
      { state: "tokenized" },
      { holder: "org_b" },
      { claimId: "clm_x" },
      { reportId: "rpt_x" },
      { tokenId: "7" },
      { authorizationId: "auz_a" },
      { firstTransferred: true },
      { correspondingAdjustment: true },
    ];
    for (const v of variants) expect(sameAttrs(base, { ...base, ...v }), JSON.stringify(v)).toBe(false);
  });

  it("refuses touching or overlapping neighbours, naming what it checked", () => {
    expect(() => planChange([seg(1, 5), seg(5, 8)], [{ start: 1n, end: 1n }], (u) => ({ ok: u }))).toThrow(
      /existing segments overlap or are unsorted at index 1/,
    );
    expect(() =>
      planChange(
        [seg(1, 8)],
        [
          { start: 4n, end: 6n },
          { start: 1n, end: 2n },
        ],
        (u) => ({ ok: u }),
      ),
    ).toThrow(/target ranges overlap or are unsorted at index 1/);
    expect(() => planChange([seg(1, 10)], [{ start: 1n, end: 15n }], (u) => ({ ok: u }))).toThrow(
      /target units are not all covered/,
    );
  });

  it("keeps refused parts of neighbouring segments apart even when their reason is the same", () => {
    const existing = [seg(1, 5, { state: "held", holder: "org_b" }), seg(6, 10, { state: "held", holder: "org_c" })];
    const plan = planChange(existing, [{ start: 1n, end: 10n }], claimIfHeldBy("org_a"));
    expect(plan.conflicts.map((c) => [c.start, c.end, c.holder])).toEqual([
      [1n, 5n, "org_b"],
      [6n, 10n, "org_c"],
    ]);
  });

  it("partsWithin leaves out segments outside the range and keeps a part of one unit", () => {
    const segments = [seg(1, 10), seg(11, 20, { authorizationId: "auz_a" }), seg(21, 30)];
    expect(partsWithin(segments, { start: 11n, end: 11n })).toEqual([seg(11, 11, { authorizationId: "auz_a" })]);
    expect(partsWithin(segments, { start: 10n, end: 11n }).map((p) => [p.start, p.end])).toEqual([
      [10n, 10n],
      [11n, 11n],
    ]);
  });

  it("coversExactly wants no gap, no overlap, nothing short and nothing beyond", () => {
    const r = { start: 1n, end: 10n };
    expect(coversExactly([seg(1, 4), seg(5, 10)], r)).toBe(true);
    expect(coversExactly([seg(1, 4), seg(6, 10)], r)).toBe(false);
    expect(coversExactly([seg(1, 5), seg(5, 10)], r)).toBe(false);
    expect(coversExactly([seg(1, 9)], r)).toBe(false);
    expect(coversExactly([seg(1, 11)], r)).toBe(false);
    expect(coversExactly([seg(2, 10)], r)).toBe(false);
    expect(coversExactly([{ start: 1n, end: 0n }, seg(1, 10)], r)).toBe(false);
  });
});
