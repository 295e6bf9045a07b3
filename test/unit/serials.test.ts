import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidSerials } from "../../api/ledger/core/errors.js";
import { formatSerials, MAX_UNIT, parseSerials, tryParseSerials } from "../../api/ledger/core/serials.js";

const upper = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ");
const digit = fc.constantFrom(..."0123456789");
const unit = fc.bigInt({ min: 1n, max: MAX_UNIT });
const range = fc
  .record({
    registry: fc.tuple(upper, upper).map(([a, b]) => a + b),
    project: fc.tuple(upper, upper, digit, digit, digit).map((p) => p.join("")),
    vintage: fc.integer({ min: 1000, max: 9999 }),
    a: unit,
    b: unit,
  })
  .map(({ a, b, ...rest }) => ({ ...rest, start: a < b ? a : b, end: a < b ? b : a }));

describe("serial parser", () => {
  it("round-trips every canonical range (print then parse gives the same range)", () => {
    fc.assert(
      fc.property(range, (r) => {
        const text = formatSerials(r);
        expect(parseSerials(text)).toEqual(r);
        expect(formatSerials(parseSerials(text))).toBe(text);
      }),
    );
  });

  it("prints a one-unit range in the one-number form, and reads the two-number form of it", () => {
    expect(formatSerials(parseSerials("JCM-JP-MN006-2019-1042-1042"))).toBe("JCM-JP-MN006-2019-1042");
    expect(parseSerials("JCM-JP-MN006-2019-1042")).toMatchObject({ start: 1042n, end: 1042n });
  });

  it.each([
    ["", "must not be empty"],
    ["JCX-JP-MN006-2019-1-2", 'must start with "JCM-"'],
    ["jcm-JP-MN006-2019-1-2", 'must start with "JCM-"'],
    ["JCM-JP-MN006-2019", "expected JCM-<registry>"],
    ["JCM-JP-MN006-2019-1-2-3", "expected JCM-<registry>"],
    ["JCM-jp-MN006-2019-1-2", 'registry "jp" must be an ISO 3166-1 alpha-2 code'],
    ["JCM-JPN-MN006-2019-1-2", 'registry "JPN"'],
    ["JCM-JP-MN06-2019-1-2", 'project "MN06" must be a JCM project reference'],
    ["JCM-JP-mn006-2019-1-2", 'project "mn006"'],
    ["JCM-JP-MN006-19-1-2", 'vintage "19" must be a four-digit year'],
    ["JCM-JP-MN006-0000-1-2", 'vintage "0000" must be a four-digit year'],
    ["JCM-JP-MN006-2019-01-2", 'start "01" must not have leading zeros'],
    ["JCM-JP-MN006-2019-1-02", 'end "02" must not have leading zeros'],
    ["JCM-JP-MN006-2019-0-2", "start must be at least 1"],
    ["JCM-JP-MN006-2019-+1-2", "must be an unsigned decimal integer"],
    ["JCM-JP-MN006-2019-1.5-2", "must be an unsigned decimal integer"],
    ["JCM-JP-MN006-2019--1-2", "a part is empty"],
    ["JCM-JP-MN006-2019--2", "start is empty"],
    ["JCM-JP-MN006-2019-1-", "end is empty"],
    ["JCM-JP-MN006-2019-9007199254740992", "start exceeds 2^53-1"],
    ["JCM-JP-MN006-2019-1-99999999999999999999", "end exceeds 2^53-1"],
    ["JCM-JP-MN006-2019-1500-1001", "start 1500 is greater than end 1001"],
    ["JCM-JP-MN006-2019-1-2 ", 'end "2 " must be an unsigned decimal integer'],
    [`JCM-JP-MN006-2019-1-${"1".repeat(90)}`, "at most 80 characters"],
  ])("rejects %j with its reason", (input, reason) => {
    const result = tryParseSerials(input);
    expect(typeof result).toBe("string");
    expect(result).toContain(reason);
    expect(() => parseSerials(input)).toThrow(InvalidSerials);
  });

  it("rejects any string that is not exactly the canonical form of what it parses to (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const parsed = tryParseSerials(s);
        if (typeof parsed === "string") expect(parsed.length).toBeGreaterThan(0);
        else {
          const printed = formatSerials(parsed);
          // The only accepted non-canonical form is a one-unit range written with both numbers.
          expect(s === printed || s === `${printed}-${parsed.end}`).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects mutations of a valid range: each corrupted character gives a reason, never a wrong range", () => {
    fc.assert(
      fc.property(range, fc.nat(), fc.constantFrom("-", "x", " ", "0", "é", "\u0000"), (r, at, ch) => {
        const text = formatSerials(r);
        const i = at % text.length;
        const mutated = text.slice(0, i) + ch + text.slice(i + 1);
        const parsed = tryParseSerials(mutated);
        if (typeof parsed === "string") return;
        // Accepted only if it is canonical, or the two-number form of one unit.
        const printed = formatSerials(parsed);
        expect(mutated === printed || mutated === `${printed}-${parsed.end}`).toBe(true);
      }),
    );
  });

  it("quote a bad part in a message only so far: an answer never echoes a long input back", () => {
    const long = "9".repeat(40);
    for (const [input, quoted] of [
      [`JCM-JP-MN006-2020-1${"x".repeat(30)}`, `1${"x".repeat(23)}`],
      [`JCM-JP-MN006-2020-0${"1".repeat(30)}`, `0${"1".repeat(23)}`],
      [`JCM-${"Q".repeat(20)}-MN006-2020-1`, "Q".repeat(8)],
      [`JCM-JP-${"Q".repeat(20)}-2020-1`, "Q".repeat(8)],
      [`JCM-JP-MN006-${long.slice(0, 20)}-1`, long.slice(0, 8)],
    ] as const) {
      const fault = tryParseSerials(input);
      expect(fault, input).toContain(`"${quoted}"`);
    }
  });

  it("refuse more than 80 characters for length, and exactly 80 for what they are", () => {
    const eighty = `JCM-JP-MN006-2020-${"1".repeat(62)}`;
    expect(eighty).toHaveLength(80);
    expect(tryParseSerials(eighty)).toBe("start exceeds 2^53-1");
    expect(tryParseSerials(`${eighty}1`)).toBe("serials must be at most 80 characters");
  });
});
