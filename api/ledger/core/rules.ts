import { type AuthorizationsById, firstTransferAtUse, termsOf } from "./authorization.js";
import type { Decision, UnitAttrs, UnitState } from "./segments.js";

/**
 * The rules of the ledger in one table: what each operation does to a unit in each state, or
 * why it refuses. The operations, the replay of the journal and the model-based test all decide
 * through `decide`; nothing else says which state may become which.
 */

/** Why units refuse a change, strongest first (the order in which a refusal names its code). */
export const REFUSALS = {
  serials_already_claimed: "Some of the units are already claimed",
  serials_government_used: "Some of the units are already counted by a government toward its NDC",
  serials_cancelled: "Some of the units are cancelled",
  serials_in_voluntary_use: "Some of the units are in voluntary use: held in the bridge, tokenized or claimed",
  serials_correspondingly_adjusted:
    "The host country reported a corresponding adjustment for some of the units: it transferred them and cannot count them toward its own NDC",
  serials_counted_by_host:
    "The host country counts some of the units toward its own NDC: it cannot also report a corresponding adjustment for them",
  serials_tokenized: "Some of the units are tokenized; only an on-chain event can move them",
  serials_first_transferred:
    "Some of the units were already first transferred: their first transfer is recorded once and their authorization can no longer change",
  serials_not_authorized: "Some of the units are not covered by an authorization",
  serials_not_in_registry: "Some of the units are not in the registry",
  serials_not_held: "Some of the units are not held by the caller",
  authorization_purpose_mismatch:
    "Some of the units are authorized by the host country for NDC use only, not for other international mitigation purposes such as voluntary compensation",
  compensation_requires_corresponding_adjustment:
    "A compensation claim needs units authorized by the host country for other international mitigation purposes and covered by its corresponding adjustment",
  corsia_not_authorized:
    "The host country authorized some of the units for other international mitigation purposes that do not include CORSIA",
  entity_not_authorized:
    "The authorization of some of the units names the entities that may use them, and the caller is not one",
} as const;
export type RefusalCode = keyof typeof REFUSALS;

/** What a client can do instead, where a refusal leaves a way: said in the answer's `detail`. */
export const REMEDIES: Partial<Record<RefusalCode, string>> = {
  compensation_requires_corresponding_adjustment:
    'Units without them can still be claimed as a contribution to the host country\'s mitigation: send claimType "contribution"',
};

/** Refusals of policy rather than state: shown only when no unit is refused for its state. */
export const POLICY_REFUSALS: ReadonlySet<RefusalCode> = new Set([
  "authorization_purpose_mismatch",
  "compensation_requires_corresponding_adjustment",
  "corsia_not_authorized",
  "entity_not_authorized",
]);

/** Refusals that say who the caller is not rather than what the units are: answered `403`. */
export const FORBIDDEN_REFUSALS: ReadonlySet<RefusalCode> = new Set(["entity_not_authorized"]);

const RANK = Object.fromEntries(Object.keys(REFUSALS).map((code, i) => [code, i])) as Record<RefusalCode, number>;

/** The code a refused change answers with: the strongest among its parts' reasons. */
export function strongestRefusal(first: RefusalCode, ...rest: RefusalCode[]): RefusalCode {
  return rest.reduce((strongest, code) => (RANK[code] < RANK[strongest] ? code : strongest), first);
}

export type ClaimType = "compensation" | "contribution";

/** What a change asks of each unit it touches, with what the rule needs to know. */
export type Operation =
  | { kind: "deposit"; to: string }
  /** `holder` null: a registry withdraws from whoever holds the units. */
  | { kind: "withdraw"; holder: string | null }
  | { kind: "transfer"; holder: string; to: string }
  /** `corsia`: the claim meets an aeroplane operator's CORSIA offsetting requirement. */
  | {
      kind: "claim";
      holder: string;
      claimId: string;
      claimType: ClaimType;
      corsia: boolean;
      authorizations: AuthorizationsById;
    }
  | { kind: "tokenize"; holder: string; tokenId: string }
  /** A holder retired tokens on chain: the units are claimed for whoever the wallet belongs to. */
  | {
      kind: "retire_token";
      claimant: string;
      claimId: string;
      claimType: ClaimType;
      authorizations: AuthorizationsById;
    }
  /** A burn the bridge sent for `owner` returns its tokenized units to its holdings. */
  | { kind: "burn_token"; owner: string }
  | { kind: "ndc_use"; party: string; reportId: string }
  /** `cancellation`: a government cancels units for voluntary cancellation or OMGE. */
  | { kind: "cancel"; reportId: string; authorizations: AuthorizationsById }
  /**
   * Puts units under an authorization (`null`: a new version of theirs no longer covers them).
   * `firstTransfer`: the authorization is itself their first transfer.
   */
  | { kind: "authorize"; authorizationId: string | null; firstTransfer: boolean }
  /** The host reports the first international transfer of units (to Japan, for its NDC). */
  | { kind: "first_transfer" }
  /** `hostNdcReports`: the NDC-use reports of the host country itself. */
  | { kind: "adjust"; hostNdcReports: ReadonlySet<string> };
export type OperationKind = Operation["kind"];

/** A cell of the table: a refusal, or how the unit changes (which may still refuse on a guard). */
type Cell<O extends Operation> = RefusalCode | ((u: UnitAttrs, op: O, hostCountry: string) => Decision);
type Row<O extends Operation> = Readonly<Record<UnitState, Cell<O>>>;
type Table = { readonly [K in OperationKind]: Row<Extract<Operation, { kind: K }>> };

const ok = (u: UnitAttrs): Decision => ({ ok: u });
const refuse = (code: RefusalCode): Decision => ({ refuse: code });

/** Spending needs the units held by the spender (any holder when the spender is a registry). */
const heldBy = (holder: string | null, u: UnitAttrs): boolean => holder === null || u.holder === holder;

/**
 * Compensation is an OIMP use (ARTICLE6.md rule 2): it needs the host's authorization for OIMP and
 * its corresponding adjustment, and, where the authorization names entities, a claimant among them.
 * Units the host authorized without OIMP are reserved for NDC use. A CORSIA claim is a compensation
 * whose units' authorization, where it names its OIMP purposes, names CORSIA among them.
 */
export function claimPolicy(
  claim: { claimType: ClaimType; corsia: boolean },
  u: UnitAttrs,
  claimant: string,
  hostCountry: string,
  authorizations: AuthorizationsById,
): RefusalCode | undefined {
  if (claim.claimType !== "compensation") return undefined;
  const terms = termsOf(u, authorizations);
  const byHost = terms !== undefined && terms.party === hostCountry;
  if (byHost && !terms.purposes.includes("oimp")) return "authorization_purpose_mismatch";
  if (!byHost || !u.correspondingAdjustment) return "compensation_requires_corresponding_adjustment";
  if (claim.corsia && terms.oimpPurposes.length > 0 && !terms.oimpPurposes.includes("corsia")) {
    return "corsia_not_authorized";
  }
  if (terms.authorizedEntities.length > 0 && !terms.authorizedEntities.includes(claimant)) {
    return "entity_not_authorized";
  }
  return undefined;
}

/** A compensation claim is an OIMP use: the first transfer of units whose authorization says so. */
const compensationFirstTransfers = (
  op: { claimType: ClaimType; authorizations: AuthorizationsById },
  u: UnitAttrs,
): boolean => op.claimType === "compensation" && firstTransferAtUse(termsOf(u, op.authorizations));

/** How units that are not held refuse to be spent: used units say how, the rest are not held. */
const NOT_SPENDABLE = {
  in_registry: "serials_not_held",
  tokenized: "serials_tokenized",
  claimed: "serials_already_claimed",
  government_used: "serials_government_used",
  cancelled: "serials_cancelled",
} as const;

/** Only the chain moves tokenized units; everything else is "not held" as far as it is concerned. */
const NOT_TOKENIZED = {
  in_registry: "serials_not_held",
  held: "serials_not_held",
  claimed: "serials_not_held",
  government_used: "serials_not_held",
  cancelled: "serials_not_held",
} as const;

/** Government uses (NDC use, cancellation) take units that sit in the registry, not in voluntary use. */
const NOT_IN_REGISTRY = {
  held: "serials_in_voluntary_use",
  tokenized: "serials_in_voluntary_use",
  claimed: "serials_in_voluntary_use",
  government_used: "serials_government_used",
  cancelled: "serials_cancelled",
} as const;

const everyState = <O extends Operation>(cell: Cell<O>): Row<O> => ({
  in_registry: cell,
  held: cell,
  tokenized: cell,
  claimed: cell,
  government_used: cell,
  cancelled: cell,
});

export const TRANSITIONS: Table = {
  deposit: {
    in_registry: (u, op) => ok({ ...u, state: "held", holder: op.to }),
    held: "serials_not_in_registry",
    tokenized: "serials_tokenized",
    claimed: "serials_already_claimed",
    government_used: "serials_government_used",
    cancelled: "serials_cancelled",
  },
  withdraw: {
    ...NOT_SPENDABLE,
    held: (u, op) =>
      heldBy(op.holder, u) ? ok({ ...u, state: "in_registry", holder: null }) : refuse("serials_not_held"),
  },
  transfer: {
    ...NOT_SPENDABLE,
    held: (u, op) => (heldBy(op.holder, u) ? ok({ ...u, holder: op.to }) : refuse("serials_not_held")),
  },
  claim: {
    ...NOT_SPENDABLE,
    held: (u, op, hostCountry) => {
      if (!heldBy(op.holder, u)) return refuse("serials_not_held");
      const policy = claimPolicy(op, u, op.holder, hostCountry, op.authorizations);
      if (policy) return refuse(policy);
      const firstTransferred = u.firstTransferred || compensationFirstTransfers(op, u);
      return ok({ ...u, state: "claimed", claimId: op.claimId, holder: op.holder, firstTransferred });
    },
  },
  tokenize: {
    ...NOT_SPENDABLE,
    held: (u, op) =>
      heldBy(op.holder, u) ? ok({ ...u, state: "tokenized", tokenId: op.tokenId }) : refuse("serials_not_held"),
  },
  retire_token: {
    ...NOT_TOKENIZED,
    tokenized: (u, op) =>
      ok({
        ...u,
        state: "claimed",
        claimId: op.claimId,
        tokenId: null,
        holder: op.claimant,
        firstTransferred: u.firstTransferred || compensationFirstTransfers(op, u),
      }),
  },
  burn_token: {
    ...NOT_TOKENIZED,
    tokenized: (u, op) =>
      u.holder === op.owner ? ok({ ...u, state: "held", tokenId: null }) : refuse("serials_not_held"),
  },
  ndc_use: {
    // A corresponding adjustment means the host transferred these reductions abroad.
    in_registry: (u, op, hostCountry) =>
      op.party === hostCountry && u.correspondingAdjustment
        ? refuse("serials_correspondingly_adjusted")
        : ok({ ...u, state: "government_used", reportId: op.reportId }),
    ...NOT_IN_REGISTRY,
  },
  cancel: {
    in_registry: (u, op) =>
      ok({
        ...u,
        state: "cancelled",
        reportId: op.reportId,
        firstTransferred: u.firstTransferred || firstTransferAtUse(termsOf(u, op.authorizations)),
      }),
    ...NOT_IN_REGISTRY,
  },
  // A first transfer fixes the units' authorization (ARTICLE6.md rule 1): a new version still covers them.
  authorize: everyState((u, op) =>
    u.firstTransferred && u.authorizationId !== op.authorizationId
      ? refuse("serials_first_transferred")
      : ok({ ...u, authorizationId: op.authorizationId, firstTransferred: u.firstTransferred || op.firstTransfer }),
  ),
  first_transfer: everyState((u) => {
    if (u.authorizationId === null) return refuse("serials_not_authorized");
    return u.firstTransferred ? refuse("serials_first_transferred") : ok({ ...u, firstTransferred: true });
  }),
  // The mirror of the ndc_use rule: units the host counts itself cannot also be transferred abroad.
  adjust: everyState((u, op) =>
    u.reportId !== null && op.hostNdcReports.has(u.reportId)
      ? refuse("serials_counted_by_host")
      : ok({ ...u, correspondingAdjustment: true }),
  ),
};

/** What `op` does to one unit of an issuance hosted by `hostCountry`. */
export function decide(u: UnitAttrs, op: Operation, hostCountry: string): Decision {
  const cell = (TRANSITIONS[op.kind] as Row<Operation>)[u.state];
  return typeof cell === "string" ? refuse(cell) : cell(u, op, hostCountry);
}
