import type { UnitAttrs } from "./segments.js";

/**
 * Article 6.2 authorizations as the rules need them (decision 2/CMA.3 annex, AEF table 2 of
 * decision 4/CMA.6): what a Party authorized its units for, who may use them, and at which event
 * the first transfer — the one that obliges the host to apply a corresponding adjustment — happens.
 */
/** JCM is bilateral: Japan and the host country are the parties of every project. */
export const JCM_ACQUIRING_PARTY = "JP";

export const PURPOSES = ["ndc", "oimp", "op"] as const;
export type Purpose = (typeof PURPOSES)[number];
export const OIMP_PURPOSES = ["corsia", "voluntary", "other"] as const;
export type OimpPurpose = (typeof OIMP_PURPOSES)[number];
export const FIRST_TRANSFER_DEFINITIONS = ["authorization", "issuance", "use_or_cancellation"] as const;
export type FirstTransferDefinition = (typeof FIRST_TRANSFER_DEFINITIONS)[number];

export interface AuthorizationTerms {
  id: string;
  party: string;
  purposes: readonly Purpose[];
  /** Empty: any OIMP purpose. */
  oimpPurposes: readonly OimpPurpose[];
  /** Empty: any entity may make OIMP uses of the units. */
  authorizedEntities: readonly string[];
  firstTransfer: FirstTransferDefinition | null;
}

export type AuthorizationsById = ReadonlyMap<string, AuthorizationTerms>;

/** The terms governing a unit, if an authorization covers it. */
export function termsOf(u: UnitAttrs, authorizations: AuthorizationsById): AuthorizationTerms | undefined {
  return u.authorizationId === null ? undefined : authorizations.get(u.authorizationId);
}

/** Whether authorizing is itself the first transfer: OIMP units whose definition is authorization or issuance. */
export function firstTransferAtAuthorization(t: Pick<AuthorizationTerms, "purposes" | "firstTransfer">): boolean {
  return t.purposes.includes("oimp") && (t.firstTransfer === "authorization" || t.firstTransfer === "issuance");
}

/** Whether an OIMP use or a cancellation of units under `t` is their first transfer. */
export function firstTransferAtUse(t: AuthorizationTerms | undefined): boolean {
  return t?.firstTransfer === "use_or_cancellation" && t.purposes.includes("oimp");
}

/** What the UNFCCC's consistency checks would say of an NDC use by `party` (ARTICLE6.md rule 4). */
export const CONSISTENCY_FINDINGS = ["not_authorized_for_ndc", "not_first_transferred"] as const;
export type ConsistencyFinding = (typeof CONSISTENCY_FINDINGS)[number];

/**
 * A use toward an acquiring Party's NDC should be of units authorized for NDC use and first
 * transferred to it. The use is not refused (vintages before 2021 predate the Paris rules); the
 * report carries what is missing instead.
 */
export function ndcUseFindings(u: UnitAttrs, authorizations: AuthorizationsById): ConsistencyFinding[] {
  const findings: ConsistencyFinding[] = [];
  if (!termsOf(u, authorizations)?.purposes.includes("ndc")) findings.push("not_authorized_for_ndc");
  if (!u.firstTransferred) findings.push("not_first_transferred");
  return findings;
}
