import { describe, expect, it } from "vitest";
import {
  causeChain,
  findCause,
  InvalidRequest,
  InvalidSerials,
  rootMessage,
  SerialsConflict,
} from "../../api/ledger/core/errors.js";
import { parseSerials } from "../../api/ledger/core/serials.js";

describe("domain errors", () => {
  it("say what was wrong in their message, and carry a stable code", () => {
    const invalid = new InvalidRequest([
      { path: "period", message: "starts after it ends" },
      { path: "serials", message: "empty" },
    ]);
    expect(invalid.code).toBe("invalid_request");
    expect(invalid.message).toBe("The request is invalid: period: starts after it ends; serials: empty");
    const conflict = new SerialsConflict("serials_already_claimed", "Claimed", [
      { serials: "JCM-JP-MN006-2020-1-5", state: "claimed" },
      { serials: "JCM-JP-MN006-2020-9", state: "held" },
    ]);
    expect(conflict.status).toBe(409);
    expect(conflict.details).toBe("JCM-JP-MN006-2020-1-5 (claimed), JCM-JP-MN006-2020-9 (held)");
    expect(new SerialsConflict("entity_not_authorized", "Not yours", [], {}, 403).status).toBe(403);
  });

  it("quote at most 120 characters of a malformed serial range, and name the field", () => {
    const long = `JCM-${"X".repeat(300)}`;
    const e = new InvalidSerials(long, "bad");
    expect(e.code).toBe("invalid_request");
    expect(e.shortMessage).toBe("Malformed serial range");
    expect(e.details).toBe(`${JSON.stringify(long.slice(0, 120))}: bad`);
    expect(e.extensions()).toEqual({ errors: [{ path: "serials", message: "bad" }] });
    try {
      parseSerials("nonsense");
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(InvalidSerials);
      expect((thrown as InvalidSerials).path).toBe("serials");
    }
  });

  it("walk a cause chain outermost first, and stop after ten links of a cycle", () => {
    const inner = Object.assign(new Error("ECONNREFUSED 127.0.0.1:5432\nstack"), { code: "ECONNREFUSED" });
    const outer = new Error("query failed", { cause: new Error("pool error", { cause: inner }) });
    expect(causeChain(outer)).toHaveLength(3);
    expect(causeChain(outer)[2]).toBe(inner);
    expect(causeChain(undefined)).toEqual([]);
    expect(causeChain(null)).toEqual([]);
    const cycle: { cause?: unknown } = {};
    cycle.cause = cycle;
    expect(causeChain(cycle)).toHaveLength(10);
    expect(findCause(outer, (e): e is Error & { code: string } => e instanceof Error && "code" in e)).toBe(inner);
    expect(rootMessage(outer)).toBe("ECONNREFUSED 127.0.0.1:5432");
  });
});
