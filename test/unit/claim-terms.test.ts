import { describe, expect, it } from "vitest";
import { beneficiaryKey, type ClaimTerms, claimTermIssues } from "../../api/ledger/core/claim-terms.js";

const contribution: ClaimTerms = { claimType: "contribution", beneficiary: { name: "B", country: "JP" } };
const paths = (t: Partial<ClaimTerms>) => claimTermIssues({ ...contribution, ...t }).map((i) => i.path);

describe("the rules between a claim's statements", () => {
  it("accepts a claim that states nothing more, and one that states everything consistently", () => {
    expect(paths({})).toEqual([]);
    expect(
      paths({
        claimType: "compensation",
        reportingYear: 2025,
        framework: { kind: "corsia", operator: "Japan Airlines" },
        scopes: [1, 2, 3],
        reason: "compliance",
      }),
    ).toEqual([]);
    expect(paths({ framework: { kind: "vcmi", tier: "scope3_action" } })).toEqual([]);
  });

  it("names the field of each broken rule, every one of them at once", () => {
    expect(paths({ framework: { kind: "vcmi" } })).toEqual(["framework.tier"]);
    expect(paths({ framework: { kind: "gx_ets", tier: "gold" } })).toEqual(["framework.tier"]);
    expect(paths({ framework: { kind: "corsia" } })).toEqual(["framework.operator", "claimType"]);
    expect(paths({ framework: { kind: "shk", operator: "X" } })).toEqual(["framework.operator"]);
    expect(paths({ claimType: "compensation" })).toEqual(["reportingYear"]);
    expect(paths({ claimType: "compensation", reportingYear: null })).toEqual(["reportingYear"]);
    expect(paths({ scopes: [2, 2] })).toEqual(["scopes"]);
    expect(paths({ claimType: "compensation", framework: { kind: "vcmi" }, scopes: [1, 1] })).toEqual([
      "framework.tier",
      "reportingYear",
      "scopes",
    ]);
  });

  it("says in each message what the claim must state", () => {
    const messages = (t: Partial<ClaimTerms>) => claimTermIssues({ ...contribution, ...t }).map((i) => i.message);
    expect(messages({ framework: { kind: "vcmi" } })).toEqual([
      "a VCMI claim names its tier: silver, gold, platinum, scope3_action",
    ]);
    expect(messages({ framework: { kind: "none", tier: "gold" } })).toEqual(["only a VCMI claim has a tier"]);
    expect(messages({ framework: { kind: "corsia" } })).toEqual([
      "a CORSIA claim names the aeroplane operator",
      "CORSIA offsetting uses units as compensation: a CORSIA claim is a compensation claim",
    ]);
    expect(messages({ framework: { kind: "other", operator: "X" } })).toEqual([
      "only a CORSIA claim names an aeroplane operator",
    ]);
    expect(messages({ claimType: "compensation" })).toEqual([
      "a compensation claim states the reporting year whose emissions it compensates",
    ]);
    expect(messages({ scopes: [3, 3] })).toEqual(["each scope is named once"]);
  });

  it("compares beneficiaries' names in compatibility form, lower case, single spaces", () => {
    expect(beneficiaryKey("  ＳＡＫＵＲＡ\u3000Foods   Co.,\tLtd. ")).toBe("sakura foods co., ltd.");
    expect(beneficiaryKey("Sakura Foods Co., Ltd.")).toBe("sakura foods co., ltd.");
    expect(beneficiaryKey("ｻｸﾗ食品")).toBe("サクラ食品");
  });
});
