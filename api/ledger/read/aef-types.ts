/** The rows of the Agreed Electronic Format (decision 4/CMA.6, annex II), table by table, and its bounds. */

export const AEF_LIMITS = {
  /** Action rows in one report; a Party with more reports per year asks for one table as CSV per year. */
  actions: 50_000,
  /** Unit blocks whose holdings at 31 December one report replays. */
  holdingBlocks: 2_000,
} as const;

/** The NDC period every report names: the Paris Agreement's first NDC period for JCM partners. */
export const NDC_PERIOD = "2021-2030";
export const METRIC = "tCO2e";
export const MITIGATION_TYPE = "Emission reductions";

export interface Submission {
  party: string;
  reportedYear: number;
  version: number;
  generatedAt: string;
  ndcPeriod: string;
  /** The journal as the report saw it: every entry up to this sequence number. */
  journalSeq: number;
}

export interface AuthorizationRow {
  authorizationId: string;
  bridgeId: string;
  version: number;
  date: string;
  cooperativeApproachId: string | null;
  authorizingParty: string;
  authorizedParties: string;
  authorizedEntities: string;
  purposes: string;
  oimpPurposes: string;
  firstTransferDefinition: string | null;
  timeframeStart: string | null;
  timeframeEnd: string | null;
  firstUnitId: string;
  lastUnitId: string;
  quantity: number;
  terms: string | null;
  documentationUrl: string | null;
}

export const ACTION_TYPES = [
  "authorization",
  "first_transfer",
  "transfer",
  "acquisition",
  "use",
  "cancellation",
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface ActionRow {
  actionDate: string;
  actionType: ActionType;
  actionSubtype: string | null;
  cooperativeApproachId: string | null;
  authorizationId: string | null;
  firstTransferringParty: string;
  itmoRegistry: string;
  firstItmoId: string | null;
  lastItmoId: string | null;
  underlyingUnitRegistry: string;
  firstUnitId: string;
  lastUnitId: string;
  metric: string;
  quantity: number;
  mitigationType: string;
  vintage: number;
  transferringParty: string | null;
  acquiringParty: string | null;
  oimpPurpose: string | null;
  usingPartyOrEntity: string | null;
  yearOfUse: number | null;
  additionalInformation: string;
}

export interface HoldingRow {
  holdingDate: string;
  cooperativeApproachId: string | null;
  authorizationId: string | null;
  firstTransferringParty: string;
  firstItmoId: string | null;
  lastItmoId: string | null;
  firstUnitId: string;
  lastUnitId: string;
  metric: string;
  quantity: number;
  vintage: number;
}

export interface EntityRow {
  entityId: string;
  name: string;
  country: string | null;
  cooperativeApproachId: string | null;
  authorizationId: string;
  conditions: string | null;
}

export interface Aef {
  submission: Submission;
  authorizations: AuthorizationRow[];
  actions: ActionRow[];
  holdings: HoldingRow[];
  authorizedEntities: EntityRow[];
}
