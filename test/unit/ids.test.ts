import { describe, expect, it } from "vitest";
import { formatIssuanceId, issuanceIdOf, parseIssuanceId, parseTokenId } from "../../api/ledger/core/ids.js";
import { newId } from "../../api/ledger/ops/deps.js";

describe("issuance ids", () => {
  it("format and parse are each other's inverse, and nothing else parses", () => {
    const id = issuanceIdOf(42n);
    expect(formatIssuanceId(id)).toBe("iss_42");
    expect(parseIssuanceId("iss_42")).toBe(42n);
    expect(parseTokenId("42")).toBe(42n);
    for (const bad of ["iss_0", "iss_042", "iss_", "42", "iss_1e3", "ISS_4", "iss_12345678901234567", " iss_4"]) {
      expect(parseIssuanceId(bad), bad).toBeUndefined();
    }
    expect(parseTokenId("0")).toBeUndefined();
  });
});

describe("newId", () => {
  const at = (ms: number, byte: number) => ({
    clock: () => new Date(ms),
    random: (n: number) => new Uint8Array(n).fill(byte),
  });

  it("is a prefixed lower-case ULID drawn from the injected clock and random source", () => {
    expect(newId(at(1_764_500_000_000, 0), "clm")).toBe("clm_01kba6ak800000000000000000");
    expect(newId(at(1_764_500_000_000, 255), "clm")).toBe("clm_01kba6ak80zzzzzzzzzzzzzzzz");
  });

  it("sorts as text in the order of time, whatever the random part", () => {
    const earlier = newId(at(1_764_500_000_000, 255), "clm");
    const later = newId(at(1_764_500_000_001, 0), "clm");
    expect(earlier < later).toBe(true);
  });
});
