import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { itmoBlock, itmoId, parseItmoId } from "../../api/ledger/core/itmo.js";
import { MAX_UNIT, type SerialRange } from "../../api/ledger/core/serials.js";

const unit = (n: bigint): SerialRange => ({ registry: "JP", project: "MN006", vintage: 2020, start: n, end: n });

describe("ITMO unique identifiers", () => {
  it("name the approach, the registry, the first-transferring Party, the vintage and the unit", () => {
    expect(itmoId("CA0001", "MN", unit(1001n), 1001n)).toBe("CA0001-JP-MN-2020-MN006-1001");
    expect(itmoBlock("CA0001", "MN", { ...unit(1n), end: 100n })).toEqual({
      firstId: "CA0001-JP-MN-2020-MN006-1",
      lastId: "CA0001-JP-MN-2020-MN006-100",
    });
  });

  it("read back into the unit they were made from, for every unit", () => {
    const parts = fc.record({
      approach: fc.integer({ min: 0, max: 99_999_999 }).map((n) => `CA${String(n).padStart(4, "0")}`),
      party: fc.constantFrom("MN", "ID", "VN", "TH"),
      registry: fc.constantFrom("JP", "MN"),
      project: fc.integer({ min: 0, max: 999 }).map((n) => `MN${String(n).padStart(3, "0")}`),
      vintage: fc.integer({ min: 1000, max: 9999 }),
      n: fc.bigInt({ min: 1n, max: MAX_UNIT }),
    });
    fc.assert(
      fc.property(parts, (p) => {
        const u: SerialRange = { registry: p.registry, project: p.project, vintage: p.vintage, start: p.n, end: p.n };
        expect(parseItmoId(itmoId(p.approach, p.party, u, p.n))).toEqual({
          approachId: p.approach,
          firstTransferringParty: p.party,
          unit: u,
        });
      }),
    );
  });

  it("refuse text that is not an ITMO id", () => {
    for (const text of [
      "",
      "CA0001-JP-MN-2020-MN006",
      "CA01-JP-MN-2020-MN006-1",
      "CA0001-jp-MN-2020-MN006-1",
      "CA0001-JP-MN-2020-MN006-0",
      "CA0001-JP-MN-2020-MN006-01",
      "CA0001-JP-MN-2020-MN006-9007199254740992",
      "CA0001-JP-MN-2020-MN006-1-2",
    ]) {
      expect(parseItmoId(text), text).toBeUndefined();
    }
  });
});
