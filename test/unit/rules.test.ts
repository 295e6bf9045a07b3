import { describe, expect, it } from "vitest";
import type { AuthorizationsById, AuthorizationTerms } from "../../api/ledger/core/authorization.js";
import {
  decide,
  type Operation,
  type OperationKind,
  REFUSALS,
  type RefusalCode,
  strongestRefusal,
  TRANSITIONS,
} from "../../api/ledger/core/rules.js";
import { UNIT_STATES, type UnitAttrs, type UnitState } from "../../api/ledger/core/segments.js";
import { refusal } from "../../api/ledger/ops/transition.js";

/**
 * The rules table, written out again by hand: for a unit in each state, held by "org_a" where a
 * holder makes sense, what each operation by "org_a" does. A change to any cell of the table
 * must change this test too.
 */
const HOST = "MN";

function unit(state: UnitState, extra: Partial<UnitAttrs> = {}): UnitAttrs {
  const base: UnitAttrs = {
    state,
    holder: state === "held" || state === "tokenized" || state === "claimed" ? "org_a" : null,
    claimId: state === "claimed" ? "clm_old" : null,
    reportId: state === "government_used" || state === "cancelled" ? "rpt_old" : null,
    tokenId: state === "tokenized" ? "7" : null,
    authorizationId: null,
    firstTransferred: false,
    correspondingAdjustment: false,
  };
  return { ...base, ...extra };
}

/** The authorizations the examples name: the host's for OIMP (first transfer at use), for NDC only, and Japan's. */
const terms = (id: string, t: Partial<AuthorizationTerms>): [string, AuthorizationTerms] => [
  id,
  {
    id,
    party: HOST,
    purposes: ["ndc", "oimp"],
    oimpPurposes: [],
    authorizedEntities: [],
    firstTransfer: "use_or_cancellation",
    ...t,
  },
];
const AUTHORIZATIONS: AuthorizationsById = new Map([
  terms("auz_oimp", {}),
  terms("auz_ndc", { purposes: ["ndc"], firstTransfer: null }),
  terms("auz_japan", { party: "JP" }),
  terms("auz_entities", { authorizedEntities: ["org_x"] }),
  terms("auz_at_authorization", { firstTransfer: "authorization" }),
  terms("auz_voluntary_only", { oimpPurposes: ["voluntary"] }),
  terms("auz_corsia", { oimpPurposes: ["corsia", "voluntary"] }),
]);

const OPS: { [K in OperationKind]: Extract<Operation, { kind: K }> } = {
  deposit: { kind: "deposit", to: "org_b" },
  withdraw: { kind: "withdraw", holder: "org_a" },
  transfer: { kind: "transfer", holder: "org_a", to: "org_b" },
  claim: {
    kind: "claim",
    holder: "org_a",
    claimId: "clm_new",
    claimType: "contribution",
    corsia: false,
    authorizations: AUTHORIZATIONS,
  },
  tokenize: { kind: "tokenize", holder: "org_a", tokenId: "9" },
  retire_token: {
    kind: "retire_token",
    claimant: "org_c",
    claimId: "clm_chain",
    claimType: "contribution",
    authorizations: AUTHORIZATIONS,
  },
  burn_token: { kind: "burn_token", owner: "org_a" },
  ndc_use: { kind: "ndc_use", party: "JP", reportId: "rpt_new" },
  cancel: { kind: "cancel", reportId: "rpt_cancel", authorizations: AUTHORIZATIONS },
  authorize: { kind: "authorize", authorizationId: "auz_oimp", firstTransfer: false },
  first_transfer: { kind: "first_transfer" },
  adjust: { kind: "adjust", hostNdcReports: new Set() },
};

/** What a cell holds: the refusal's code, or the attributes that change. */
type Expected = RefusalCode | Partial<UnitAttrs>;

const EXPECTED: Record<OperationKind, Record<UnitState, Expected>> = {
  deposit: {
    in_registry: { state: "held", holder: "org_b" },
    held: "serials_not_in_registry",
    tokenized: "serials_tokenized",
    claimed: "serials_already_claimed",
    government_used: "serials_government_used",
    cancelled: "serials_cancelled",
  },
  withdraw: {
    in_registry: "serials_not_held",
    held: { state: "in_registry", holder: null },
    tokenized: "serials_tokenized",
    claimed: "serials_already_claimed",
    government_used: "serials_government_used",
    cancelled: "serials_cancelled",
  },
  transfer: {
    in_registry: "serials_not_held",
    held: { holder: "org_b" },
    tokenized: "serials_tokenized",
    claimed: "serials_already_claimed",
    government_used: "serials_government_used",
    cancelled: "serials_cancelled",
  },
  claim: {
    in_registry: "serials_not_held",
    held: { state: "claimed", claimId: "clm_new" },
    tokenized: "serials_tokenized",
    claimed: "serials_already_claimed",
    government_used: "serials_government_used",
    cancelled: "serials_cancelled",
  },
  tokenize: {
    in_registry: "serials_not_held",
    held: { state: "tokenized", tokenId: "9" },
    tokenized: "serials_tokenized",
    claimed: "serials_already_claimed",
    government_used: "serials_government_used",
    cancelled: "serials_cancelled",
  },
  retire_token: {
    in_registry: "serials_not_held",
    held: "serials_not_held",
    tokenized: { state: "claimed", claimId: "clm_chain", tokenId: null, holder: "org_c" },
    claimed: "serials_not_held",
    government_used: "serials_not_held",
    cancelled: "serials_not_held",
  },
  burn_token: {
    in_registry: "serials_not_held",
    held: "serials_not_held",
    tokenized: { state: "held", tokenId: null },
    claimed: "serials_not_held",
    government_used: "serials_not_held",
    cancelled: "serials_not_held",
  },
  ndc_use: {
    in_registry: { state: "government_used", reportId: "rpt_new" },
    held: "serials_in_voluntary_use",
    tokenized: "serials_in_voluntary_use",
    claimed: "serials_in_voluntary_use",
    government_used: "serials_government_used",
    cancelled: "serials_cancelled",
  },
  cancel: {
    in_registry: { state: "cancelled", reportId: "rpt_cancel" },
    held: "serials_in_voluntary_use",
    tokenized: "serials_in_voluntary_use",
    claimed: "serials_in_voluntary_use",
    government_used: "serials_government_used",
    cancelled: "serials_cancelled",
  },
  authorize: {
    in_registry: { authorizationId: "auz_oimp" },
    held: { authorizationId: "auz_oimp" },
    tokenized: { authorizationId: "auz_oimp" },
    claimed: { authorizationId: "auz_oimp" },
    government_used: { authorizationId: "auz_oimp" },
    cancelled: { authorizationId: "auz_oimp" },
  },
  first_transfer: {
    in_registry: "serials_not_authorized",
    held: "serials_not_authorized",
    tokenized: "serials_not_authorized",
    claimed: "serials_not_authorized",
    government_used: "serials_not_authorized",
    cancelled: "serials_not_authorized",
  },
  adjust: {
    in_registry: { correspondingAdjustment: true },
    held: { correspondingAdjustment: true },
    tokenized: { correspondingAdjustment: true },
    claimed: { correspondingAdjustment: true },
    government_used: { correspondingAdjustment: true },
    cancelled: { correspondingAdjustment: true },
  },
};

describe("the rules table", () => {
  it("has a row for every operation and a cell for every state", () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const row of Object.values(TRANSITIONS)) expect(Object.keys(row).sort()).toEqual([...UNIT_STATES].sort());
  });

  for (const kind of Object.keys(EXPECTED) as OperationKind[]) {
    for (const state of UNIT_STATES) {
      const expected = EXPECTED[kind][state];
      it(`${kind} on a ${state} unit: ${typeof expected === "string" ? expected : "changes it"}`, () => {
        const before = unit(state);
        const decision = decide(before, OPS[kind], HOST);
        expect(decision).toEqual(
          typeof expected === "string" ? { refuse: expected } : { ok: { ...before, ...expected } },
        );
      });
    }
  }
});

describe("guards inside the cells", () => {
  it("spending needs the spender to hold the units; a registry (no holder) withdraws from anyone", () => {
    const others = unit("held", { holder: "org_z" });
    expect(decide(others, OPS.withdraw, HOST)).toEqual({ refuse: "serials_not_held" });
    expect(decide(others, OPS.transfer, HOST)).toEqual({ refuse: "serials_not_held" });
    expect(decide(others, OPS.claim, HOST)).toEqual({ refuse: "serials_not_held" });
    expect(decide(others, OPS.tokenize, HOST)).toEqual({ refuse: "serials_not_held" });
    expect(decide(others, { kind: "withdraw", holder: null }, HOST)).toEqual({
      ok: { ...others, state: "in_registry", holder: null },
    });
  });

  it("a burn returns only the owner's tokens", () => {
    expect(decide(unit("tokenized", { holder: "org_z" }), OPS.burn_token, HOST)).toEqual({
      refuse: "serials_not_held",
    });
  });

  it("compensation needs the host's OIMP authorization and a corresponding adjustment, both; contribution needs neither", () => {
    const compensation: Operation = { ...OPS.claim, claimType: "compensation" };
    const cases: [string | null, boolean, RefusalCode | "ok"][] = [
      [null, false, "compensation_requires_corresponding_adjustment"],
      ["auz_oimp", false, "compensation_requires_corresponding_adjustment"],
      [null, true, "compensation_requires_corresponding_adjustment"],
      ["auz_japan", true, "compensation_requires_corresponding_adjustment"],
      ["auz_unknown", true, "compensation_requires_corresponding_adjustment"],
      ["auz_ndc", true, "authorization_purpose_mismatch"],
      ["auz_ndc", false, "authorization_purpose_mismatch"],
      ["auz_entities", true, "entity_not_authorized"],
      ["auz_oimp", true, "ok"],
    ];
    for (const [authorizationId, correspondingAdjustment, expected] of cases) {
      const u = unit("held", { authorizationId, correspondingAdjustment });
      expect(decide(u, compensation, HOST), `${authorizationId} ${correspondingAdjustment}`).toEqual(
        expected === "ok"
          ? { ok: { ...u, state: "claimed", claimId: "clm_new", firstTransferred: true } }
          : { refuse: expected },
      );
      expect(decide(u, OPS.claim, HOST)).toEqual({ ok: { ...u, state: "claimed", claimId: "clm_new" } });
    }
  });

  it("a CORSIA claim needs CORSIA among the OIMP purposes its units' authorization names, if it names any", () => {
    const corsia: Operation = { ...OPS.claim, claimType: "compensation", corsia: true };
    const voluntary: Operation = { ...OPS.claim, claimType: "compensation", corsia: false };
    const cases: [string, boolean, RefusalCode | "ok"][] = [
      ["auz_oimp", true, "ok"],
      ["auz_voluntary_only", true, "corsia_not_authorized"],
      ["auz_voluntary_only", false, "ok"],
      ["auz_corsia", true, "ok"],
    ];
    for (const [authorizationId, isCorsia, expected] of cases) {
      const u = unit("held", { authorizationId, correspondingAdjustment: true });
      const decision = decide(u, isCorsia ? corsia : voluntary, HOST);
      expect("refuse" in decision ? decision.refuse : "ok", `${authorizationId} corsia=${isCorsia}`).toBe(expected);
    }
    // Without the adjustment the compensation rule speaks first.
    const unadjusted = unit("held", { authorizationId: "auz_voluntary_only", correspondingAdjustment: false });
    expect(decide(unadjusted, corsia, HOST)).toEqual({ refuse: "compensation_requires_corresponding_adjustment" });
  });

  it("an authorized entity may make compensation claims on units whose authorization names it", () => {
    const u = unit("held", { holder: "org_x", authorizationId: "auz_entities", correspondingAdjustment: true });
    const op: Operation = { ...OPS.claim, holder: "org_x", claimType: "compensation" };
    expect(decide(u, op, HOST)).toEqual({
      ok: { ...u, state: "claimed", claimId: "clm_new", firstTransferred: true },
    });
  });

  it("a compensation claim or a cancellation is the first transfer only where the authorization defines it so", () => {
    const compensation: Operation = { ...OPS.claim, claimType: "compensation" };
    const atAuthorization = unit("held", { authorizationId: "auz_at_authorization", correspondingAdjustment: true });
    expect(decide(atAuthorization, compensation, HOST)).toEqual({
      ok: { ...atAuthorization, state: "claimed", claimId: "clm_new" },
    });
    const underOimp = unit("in_registry", { authorizationId: "auz_oimp" });
    expect(decide(underOimp, OPS.cancel, HOST)).toEqual({
      ok: { ...underOimp, state: "cancelled", reportId: "rpt_cancel", firstTransferred: true },
    });
    const underNdc = unit("in_registry", { authorizationId: "auz_ndc" });
    expect(decide(underNdc, OPS.cancel, HOST)).toEqual({
      ok: { ...underNdc, state: "cancelled", reportId: "rpt_cancel" },
    });
    const retired: Operation = { ...OPS.retire_token, claimType: "compensation" };
    const tokenized = unit("tokenized", { authorizationId: "auz_oimp", correspondingAdjustment: true });
    expect(decide(tokenized, retired, HOST)).toEqual({
      ok: {
        ...tokenized,
        state: "claimed",
        claimId: "clm_chain",
        tokenId: null,
        holder: "org_c",
        firstTransferred: true,
      },
    });
    expect(decide(tokenized, OPS.retire_token, HOST)).toEqual({
      ok: { ...tokenized, state: "claimed", claimId: "clm_chain", tokenId: null, holder: "org_c" },
    });
  });

  it("a first transfer is recorded once, and only of authorized units", () => {
    const authorized = unit("in_registry", { authorizationId: "auz_ndc" });
    expect(decide(authorized, OPS.first_transfer, HOST)).toEqual({ ok: { ...authorized, firstTransferred: true } });
    const again = { ...authorized, firstTransferred: true };
    expect(decide(again, OPS.first_transfer, HOST)).toEqual({ refuse: "serials_first_transferred" });
  });

  it("a first transfer fixes the units' authorization: a new version of it still covers them, nothing else does", () => {
    const transferred = unit("in_registry", { authorizationId: "auz_oimp", firstTransferred: true });
    expect(decide(transferred, OPS.authorize, HOST)).toEqual({ ok: transferred });
    expect(decide(transferred, { ...OPS.authorize, authorizationId: "auz_ndc" }, HOST)).toEqual({
      refuse: "serials_first_transferred",
    });
    expect(decide(transferred, { ...OPS.authorize, authorizationId: null }, HOST)).toEqual({
      refuse: "serials_first_transferred",
    });
    const fresh = unit("in_registry", { authorizationId: "auz_ndc" });
    expect(decide(fresh, { ...OPS.authorize, authorizationId: null }, HOST)).toEqual({
      ok: { ...fresh, authorizationId: null },
    });
    expect(decide(fresh, { ...OPS.authorize, firstTransfer: true }, HOST)).toEqual({
      ok: { ...fresh, authorizationId: "auz_oimp", firstTransferred: true },
    });
  });

  it("the host cannot count units it correspondingly adjusted; Japan can", () => {
    const adjusted = unit("in_registry", { authorizationId: "auz_oimp", correspondingAdjustment: true });
    expect(decide(adjusted, { kind: "ndc_use", party: HOST, reportId: "rpt_h" }, HOST)).toEqual({
      refuse: "serials_correspondingly_adjusted",
    });
    expect(decide(adjusted, { kind: "ndc_use", party: "JP", reportId: "rpt_j" }, HOST)).toEqual({
      ok: { ...adjusted, state: "government_used", reportId: "rpt_j" },
    });
    const notAdjusted = unit("in_registry");
    expect(decide(notAdjusted, { kind: "ndc_use", party: HOST, reportId: "rpt_h" }, HOST)).toEqual({
      ok: { ...notAdjusted, state: "government_used", reportId: "rpt_h" },
    });
  });

  it("the host cannot adjust units it counts itself; units Japan counts can be adjusted", () => {
    const countedByHost = unit("government_used", { reportId: "rpt_h" });
    const adjust: Operation = { kind: "adjust", hostNdcReports: new Set(["rpt_h"]) };
    expect(decide(countedByHost, adjust, HOST)).toEqual({ refuse: "serials_counted_by_host" });
    const countedByJapan = unit("government_used", { reportId: "rpt_j" });
    expect(decide(countedByJapan, adjust, HOST)).toEqual({ ok: { ...countedByJapan, correspondingAdjustment: true } });
  });
});

describe("REFUSALS", () => {
  it("says why in a sentence for every code: the title of each 409 a client shows", () => {
    for (const [code, message] of Object.entries(REFUSALS)) expect(message, code).toMatch(/^[A-Z][^\n]{20,}$/);
  });
});

describe("strongestRefusal", () => {
  it("names the code that comes first in REFUSALS, wherever it stands among the parts", () => {
    const codes = Object.keys(REFUSALS) as RefusalCode[];
    for (let i = 0; i < codes.length; i++) {
      const strongest = codes[i] as RefusalCode;
      const weaker = codes.slice(i + 1);
      const half = Math.floor(weaker.length / 2);
      // The strongest first, last and in the middle: no position may decide.
      expect(strongestRefusal(strongest, ...weaker)).toBe(strongest);
      if (weaker.length > 0) {
        expect(strongestRefusal(weaker[0] as RefusalCode, ...weaker.slice(1), strongest)).toBe(strongest);
        expect(
          strongestRefusal(
            weaker[0] as RefusalCode,
            ...weaker.slice(1, half + 1),
            strongest,
            ...weaker.slice(half + 1),
          ),
        ).toBe(strongest);
      }
    }
  });
});

describe("refusal", () => {
  const part = (serials: string, reason: RefusalCode) => ({ serials, state: "held", reason });

  it("answers with the units refused for their state alone when some are, whatever policy says of the rest", () => {
    const answer = refusal([
      part("JCM-JP-MN006-2020-1-5", "compensation_requires_corresponding_adjustment"),
      part("JCM-JP-MN006-2020-6-9", "serials_not_held"),
    ]);
    expect(answer.code).toBe("serials_not_held");
    expect(answer.message.startsWith(REFUSALS.serials_not_held)).toBe(true);
    expect(answer.conflicts.map((c) => c.serials)).toEqual(["JCM-JP-MN006-2020-6-9"]);
  });

  it("answers with the policy's refusal when every refused unit could move, and says what to do instead", () => {
    const answer = refusal([part("JCM-JP-MN006-2020-1-5", "compensation_requires_corresponding_adjustment")]);
    expect(answer.code).toBe("compensation_requires_corresponding_adjustment");
    expect(answer.status).toBe(409);
    expect(answer.conflicts).toHaveLength(1);
    expect(answer.details).toBe(
      'JCM-JP-MN006-2020-1-5 (held). Units without them can still be claimed as a contribution to the host country\'s mitigation: send claimType "contribution"',
    );
    // A refusal without a way out names the units alone.
    expect(refusal([part("JCM-JP-MN006-2020-1-5", "serials_not_held")]).details).toBe("JCM-JP-MN006-2020-1-5 (held)");
  });

  it("answers 403 where the refusal is of the caller, not of the units", () => {
    expect(refusal([part("JCM-JP-MN006-2020-1-5", "entity_not_authorized")]).status).toBe(403);
    expect(refusal([part("JCM-JP-MN006-2020-1-5", "corsia_not_authorized")]).status).toBe(409);
  });
});
