import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../api/ledger/journal/canonical-json.js";

/** The first, plainer implementation, over which the journals already written were hashed. */
function reference(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

describe("canonicalJson", () => {
  it("prints the bytes journal hashes were computed over", () => {
    const entry = {
      quantity: 1000n,
      kind: "claim.created",
      at: new Date("2026-01-02T03:04:05.678Z"),
      skipped: undefined,
      details: { é: [1, 'a"b\\c', null], Z: true, a: { y: -0.5, x: "\u2028" } },
    };
    expect(canonicalJson(entry)).toBe(
      '{"at":"2026-01-02T03:04:05.678Z","details":{"Z":true,"a":{"x":"\u2028","y":-0.5},"é":[1,"a\\"b\\\\c",null]},"kind":"claim.created","quantity":"1000"}',
    );
  });

  it("prints what the first implementation printed, for any value a journal entry may hold", () => {
    const leaf = fc.oneof(fc.jsonValue(), fc.bigInt(), fc.date({ noInvalidDate: true }), fc.constant(undefined));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("value")), fc.dictionary(fc.string(), tie("value"))),
    }));
    fc.assert(
      fc.property(value, (v) => {
        const printed = canonicalJson(v);
        expect(printed).toBe(reference(v));
        expect(canonicalJson(JSON.parse(printed))).toBe(printed);
      }),
      { numRuns: 500 },
    );
  });
});
