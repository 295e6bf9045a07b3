import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byStart, intersect, normalize, overlaps, type Range, subtract, total } from "../../api/ledger/core/ranges.js";

const r = (start: number, end: number): Range => ({ start: BigInt(start), end: BigInt(end) });
const units = (ranges: readonly Range[]) =>
  new Set(ranges.flatMap((x) => Array.from({ length: Number(x.end - x.start + 1n) }, (_, i) => Number(x.start) + i)));

describe("ranges", () => {
  it("overlap when they share a unit, touching ends included", () => {
    expect(overlaps(r(1, 5), r(5, 9))).toBe(true);
    expect(overlaps(r(5, 9), r(1, 5))).toBe(true);
    expect(overlaps(r(1, 4), r(5, 9))).toBe(false);
    expect(overlaps(r(6, 9), r(1, 5))).toBe(false);
    expect(overlaps(r(3, 3), r(1, 9))).toBe(true);
  });

  it("intersect to the shared units, or nothing", () => {
    expect(intersect(r(1, 5), r(3, 9))).toEqual(r(3, 5));
    expect(intersect(r(3, 9), r(1, 5))).toEqual(r(3, 5));
    expect(intersect(r(1, 5), r(5, 9))).toEqual(r(5, 5));
    expect(intersect(r(1, 4), r(5, 9))).toBeUndefined();
  });

  it("order by their first unit", () => {
    expect(byStart(r(1, 9), r(2, 3))).toBe(-1);
    expect(byStart(r(2, 3), r(1, 9))).toBe(1);
    expect(byStart(r(2, 3), r(2, 9))).toBe(0);
  });

  it("count their units", () => {
    expect(total([r(1, 1), r(5, 9)])).toBe(6n);
    expect(total([])).toBe(0n);
  });

  it("normalize sorts, joins touching and overlapping ranges, and keeps gaps", () => {
    expect(normalize([r(8, 9), r(1, 3), r(4, 5), r(2, 2)])).toEqual([r(1, 5), r(8, 9)]);
    expect(normalize([r(1, 9), r(3, 4)])).toEqual([r(1, 9)]);
  });

  it("normalize keeps exactly the same units, in sorted disjoint non-touching ranges (property)", () => {
    const range = fc
      .tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 8 }))
      .map(([s, n]) => r(s, s + n));
    fc.assert(
      fc.property(fc.array(range, { maxLength: 8 }), (ranges) => {
        const out = normalize(ranges);
        expect(units(out)).toEqual(units(ranges));
        for (let i = 1; i < out.length; i++)
          expect((out[i] as Range).start > (out[i - 1] as Range).end + 1n).toBe(true);
      }),
    );
  });

  it("subtract to exactly the units of one list that are not in the other, sorted and disjoint", () => {
    expect(subtract([r(1, 20)], [r(5, 9), r(12, 12)])).toEqual([r(1, 4), r(10, 11), r(13, 20)]);
    expect(subtract([r(1, 5)], [r(1, 5)])).toEqual([]);
    expect(subtract([r(1, 5)], [])).toEqual([r(1, 5)]);
    const list = fc.array(
      fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 8 })).map(([s, n]) => r(s, s + n)),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(list, list, (from, minus) => {
        const out = subtract(from, minus);
        const cut = units(minus);
        expect(units(out)).toEqual(new Set([...units(from)].filter((u) => !cut.has(u))));
        expect(normalize(out)).toEqual(out);
      }),
    );
  });
});
