import type { ErrorDetail } from "./errors.js";
import type { ClaimType } from "./rules.js";

/**
 * What a claim states beyond its units, in the words assurers and registries use: the reason for
 * the retirement (Verra's retirement reasons), the framework the claim supports (VCMI, SBTi BVCM,
 * GX-ETS, SHK, CORSIA), the reporting year and scopes, and who the beneficiary is.
 */
export const REASONS = [
  "corporate_inventory",
  "on_behalf_of_third_party",
  "product_or_service",
  "environmental_benefit",
  "compliance",
  "other",
] as const;
export type Reason = (typeof REASONS)[number];

export const FRAMEWORKS = ["vcmi", "sbti_bvcm", "gx_ets", "shk", "corsia", "none", "other"] as const;
export type FrameworkKind = (typeof FRAMEWORKS)[number];

export const VCMI_TIERS = ["silver", "gold", "platinum", "scope3_action"] as const;
export type VcmiTier = (typeof VCMI_TIERS)[number];

export const BENEFICIARY_KINDS = ["organization", "person"] as const;
export type BeneficiaryKind = (typeof BENEFICIARY_KINDS)[number];

export const SCOPES = [1, 2, 3] as const;
export type Scope = (typeof SCOPES)[number];

export interface Framework {
  kind: FrameworkKind;
  /** VCMI claims only: the tier of the Carbon Integrity claim. */
  tier?: VcmiTier | undefined;
  /** CORSIA only: the aeroplane operator whose offsetting requirement the units meet. */
  operator?: string | undefined;
}

export interface Beneficiary {
  name: string;
  country: string;
  legalId?: string | null | undefined;
  kind?: BeneficiaryKind | undefined;
}

/** The optional statements of a claim as a client gives them. */
export interface ClaimTerms {
  claimType: ClaimType;
  beneficiary: Beneficiary;
  reason?: Reason | null | undefined;
  framework?: Framework | null | undefined;
  reportingYear?: number | null | undefined;
  scopes?: readonly Scope[] | null | undefined;
  notes?: string | null | undefined;
}

/**
 * The rules that tie a claim's statements together, each naming the field a client must change.
 * (CORSIA's rule on the units themselves is a rule of the ledger: `claimPolicy`.)
 */
export function claimTermIssues(t: ClaimTerms): ErrorDetail[] {
  const issues: ErrorDetail[] = [];
  const f = t.framework;
  if (f?.kind === "vcmi" && f.tier === undefined) {
    issues.push({
      path: "framework.tier",
      message: `a VCMI claim names its tier: ${VCMI_TIERS.join(", ")}`,
    });
  }
  if (f && f.kind !== "vcmi" && f.tier !== undefined) {
    issues.push({
      path: "framework.tier",
      message: "only a VCMI claim has a tier",
    });
  }
  if (f?.kind === "corsia" && f.operator === undefined) {
    issues.push({
      path: "framework.operator",
      message: "a CORSIA claim names the aeroplane operator",
    });
  }
  if (f && f.kind !== "corsia" && f.operator !== undefined) {
    issues.push({
      path: "framework.operator",
      message: "only a CORSIA claim names an aeroplane operator",
    });
  }
  if (f?.kind === "corsia" && t.claimType !== "compensation") {
    issues.push({
      path: "claimType",
      message: "CORSIA offsetting uses units as compensation: a CORSIA claim is a compensation claim",
    });
  }
  if (t.claimType === "compensation" && (t.reportingYear === undefined || t.reportingYear === null)) {
    issues.push({
      path: "reportingYear",
      message: "a compensation claim states the reporting year whose emissions it compensates",
    });
  }
  if (t.scopes && new Set(t.scopes).size !== t.scopes.length) {
    issues.push({ path: "scopes", message: "each scope is named once" });
  }
  return issues;
}

/**
 * The form of a beneficiary's name that search and beneficiary pages compare: Unicode
 * compatibility form (full-width "ＳＡＫＵＲＡ" is "SAKURA"), lower case, single spaces.
 */
export function beneficiaryKey(name: string): string {
  return name.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}
