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
  serials_in_voluntary_use: "Some of the units are in voluntary use: held in the bridge, tokenized or claimed",
  serials_correspondingly_adjusted:
    "The host country reported a corresponding adjustment for some of the units: it transferred them and cannot count them toward its own NDC",
  serials_counted_by_host:
    "The host country counts some of the units toward its own NDC: it cannot also report a corresponding adjustment for them",
  serials_tokenized: "Some of the units are tokenized; only an on-chain event can move them",
  serials_not_in_registry: "Some of the units are not in the registry",
  serials_not_held: "Some of the units are not held by the caller",
  compensation_requires_corresponding_adjustment:
    "A compensation claim needs units authorized by the host country and covered by a corresponding adjustment",
} as const;
export type RefusalCode = keyof typeof REFUSALS;

/** Refusals of policy rather than state: shown only when no unit is refused for its state. */
export const POLICY_REFUSALS: ReadonlySet<RefusalCode> = new Set(["compensation_requires_corresponding_adjustment"]);

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
  | { kind: "claim"; holder: string; claimId: string; claimType: ClaimType }
  | { kind: "tokenize"; holder: string; tokenId: string }
  /** A holder retired tokens on chain: the units are claimed for whoever the wallet belongs to. */
  | { kind: "retire_token"; claimant: string; claimId: string }
  /** A burn the bridge sent for `owner` returns its tokenized units to its holdings. */
  | { kind: "burn_token"; owner: string }
  | { kind: "ndc_use"; party: string; reportId: string }
  | { kind: "authorize" }
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

/** Compensation needs the host's authorization and its corresponding adjustment, both. */
export function claimPolicy(claimType: ClaimType, u: UnitAttrs): RefusalCode | undefined {
  return claimType === "compensation" && !(u.authorized && u.correspondingAdjustment)
    ? "compensation_requires_corresponding_adjustment"
    : undefined;
}

/** How units that are not held refuse to be spent: used units say how, the rest are not held. */
const NOT_SPENDABLE = {
  in_registry: "serials_not_held",
  tokenized: "serials_tokenized",
  claimed: "serials_already_claimed",
  government_used: "serials_government_used",
} as const;

/** Only the chain moves tokenized units; everything else is "not held" as far as it is concerned. */
const NOT_TOKENIZED = {
  in_registry: "serials_not_held",
  held: "serials_not_held",
  claimed: "serials_not_held",
  government_used: "serials_not_held",
} as const;

const everyState = <O extends Operation>(cell: Cell<O>): Row<O> => ({
  in_registry: cell,
  held: cell,
  tokenized: cell,
  claimed: cell,
  government_used: cell,
});

export const TRANSITIONS: Table = {
  deposit: {
    in_registry: (u, op) => ok({ ...u, state: "held", holder: op.to }),
    held: "serials_not_in_registry",
    tokenized: "serials_tokenized",
    claimed: "serials_already_claimed",
    government_used: "serials_government_used",
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
    held: (u, op) => {
      if (!heldBy(op.holder, u)) return refuse("serials_not_held");
      const policy = claimPolicy(op.claimType, u);
      return policy ? refuse(policy) : ok({ ...u, state: "claimed", claimId: op.claimId, holder: op.holder });
    },
  },
  tokenize: {
    ...NOT_SPENDABLE,
    held: (u, op) =>
      heldBy(op.holder, u) ? ok({ ...u, state: "tokenized", tokenId: op.tokenId }) : refuse("serials_not_held"),
  },
  retire_token: {
    ...NOT_TOKENIZED,
    tokenized: (u, op) => ok({ ...u, state: "claimed", claimId: op.claimId, tokenId: null, holder: op.claimant }),
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
    held: "serials_in_voluntary_use",
    tokenized: "serials_in_voluntary_use",
    claimed: "serials_in_voluntary_use",
    government_used: "serials_government_used",
  },
  authorize: everyState((u) => ok({ ...u, authorized: true })),
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
