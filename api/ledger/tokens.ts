import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { arrayParam, big, date, type Row, rows, str, strOrNull } from "../../db/values.js";
import { recordClaim } from "./claims.js";
import { type Actor, type Deps, newId } from "./deps.js";
import { InvalidRequest, NotFound, SerialsConflict, StateConflict, Unprocessable } from "./errors.js";
import { formatIssuanceId, issuanceIdOf, parseIssuanceId, parseTokenId } from "./ids.js";
import { appendJournal } from "./journal.js";
import { normalize } from "./ranges.js";
import { formatTargets, type IssuanceTargets } from "./resolve.js";
import { type ClaimType, claimPolicy } from "./rules.js";
import { issuanceIdent, lockSelection, lowestUnits, quantityOfGroups, type Selection, unitEntry } from "./selection.js";
import { parseSerials } from "./serials.js";
import { lockIssuances } from "./store.js";
import { transact } from "./transact.js";
import { transitionLocked } from "./transition.js";

/**
 * The ledger's side of the on-chain mirror. The database stays authoritative: tokenizing moves
 * units to `tokenized` and queues a mint in the outbox in one transaction; units leave
 * `tokenized` only when the listener has observed the burn or retire on chain (invariant 5).
 * Nothing here talks to a chain.
 */
export class MirrorDisabled extends StateConflict {
  constructor() {
    super(
      "chain_mirror_disabled",
      "The chain mirror is not configured: set CHAIN_RPC_URL, CHAIN_PRIVATE_KEY and MIRROR_CONTRACT",
    );
  }
}

export type OperationStatus = "pending" | "sent" | "confirmed";

export interface TokenOperation {
  id: string;
  kind: "mint" | "burn";
  organizationId: string;
  tokenId: string;
  issuanceId: string;
  serials: string[];
  quantity: number;
  address: string;
  opId: string;
  status: OperationStatus;
  txHash: string | null;
  blockNumber: number | null;
  attempts: number;
  lastError: string | null;
  applied: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The operation id the contract refuses twice; derived from our id so a retry reuses it. */
export function operationId(id: string): `0x${string}` {
  return `0x${createHash("sha256").update(`jcm-bridge:${id}`).digest("hex")}`;
}

function operationFromRow(r: Row): TokenOperation {
  return {
    id: str(r.id),
    kind: str(r.kind) as TokenOperation["kind"],
    organizationId: str(r.organization_id),
    tokenId: String(big(r.iss)),
    issuanceId: formatIssuanceId(big(r.iss)),
    serials: r.serials as string[],
    quantity: Number(big(r.q)),
    address: str(r.address),
    opId: str(r.op_id),
    status: str(r.status) as OperationStatus,
    txHash: strOrNull(r.tx_hash),
    blockNumber: r.block === null || r.block === undefined ? null : Number(big(r.block)),
    attempts: Number(r.attempts),
    lastError: strOrNull(r.last_error),
    applied: r.applied_at !== null && r.applied_at !== undefined,
    createdAt: date(r.created_at).toISOString(),
    updatedAt: date(r.updated_at).toISOString(),
  };
}

const OPERATION_COLUMNS = sql.raw(
  `o.*, o.issuance_id::text AS iss, o.quantity::text AS q, o.block_number::text AS block`,
);

export async function getOperation(db: Db, id: string): Promise<TokenOperation | undefined> {
  const [row] = await rows(db, sql`SELECT ${OPERATION_COLUMNS} FROM chain_outbox o WHERE o.id = ${id}`);
  return row ? operationFromRow(row) : undefined;
}

/** An operation as its owner may see it; others get 404 so ids cannot be probed. */
export async function getOwnOperation(
  db: Db,
  actor: Actor,
  id: string,
  kind: "mint" | "burn",
): Promise<TokenOperation> {
  const op = await getOperation(db, id);
  if (!op || op.kind !== kind || (op.organizationId !== actor.id && actor.role !== "admin")) {
    throw new NotFound(
      kind === "mint" ? "tokenization_not_found" : "detokenization_not_found",
      `No ${kind === "mint" ? "tokenization" : "detokenization"} ${id.slice(0, 64)}`,
    );
  }
  return op;
}

async function insertOperation(
  tx: Db,
  at: Date,
  op: {
    id: string;
    kind: "mint" | "burn";
    organizationId: string;
    issuanceId: bigint;
    serials: string[];
    quantity: number;
    address: string;
  },
): Promise<void> {
  await tx.execute(sql`
    INSERT INTO chain_outbox (id, kind, organization_id, issuance_id, serials, quantity, address, op_id, status, attempts,
                              next_attempt_at, created_at, updated_at)
    VALUES (${op.id}, ${op.kind}, ${op.organizationId}, ${op.issuanceId}, ${arrayParam(op.serials, "text")}, ${op.quantity},
            ${op.address.toLowerCase()}, ${operationId(op.id)}, 'pending', 0, ${at.toISOString()}, ${at.toISOString()},
            ${at.toISOString()})`);
}

export type TokenizeParams = Selection & { toAddress: string };

/** `held(caller) → tokenized`, with the mint queued in the same transaction. */
export async function requestTokenization(deps: Deps, actor: Actor, p: TokenizeParams): Promise<TokenOperation> {
  const at = deps.clock();
  const id = newId(deps, "tok");
  const selection: Selection = "serials" in p ? { serials: p.serials } : { allocate: p.allocate };
  await transact(deps.db, async (tx) => {
    const groups = await lockSelection(tx, selection, actor.id);
    if (groups.length !== 1) {
      throw new InvalidRequest([
        { path: "serials", message: "a tokenization covers units of one issuance (one token id)" },
      ]);
    }
    const [g] = groups as [IssuanceTargets];
    const tokenId = String(g.issuanceId);
    await transitionLocked(tx, groups, { kind: "tokenize", holder: actor.id, tokenId });
    const quantity = quantityOfGroups(groups);
    const serials = formatTargets(groups);
    await insertOperation(tx, at, {
      id,
      kind: "mint",
      organizationId: actor.id,
      issuanceId: g.issuanceId,
      serials,
      quantity,
      address: p.toAddress,
    });
    await appendJournal(tx, [
      unitEntry(groups, {
        kind: "tokenization",
        actor: actor.id,
        at,
        details: { tokenizationId: id, tokenId, toAddress: p.toAddress.toLowerCase(), quantity, opId: operationId(id) },
      }),
    ]);
  });
  return (await getOperation(deps.db, id)) as TokenOperation;
}

export interface DetokenizeParams {
  issuanceId: string;
  quantity: number;
}

/**
 * Queues a burn of the caller's tokens from its registered wallet. The units stay `tokenized`
 * until the listener sees the burn; the quantity is reserved against other pending burns.
 */
export async function requestDetokenization(deps: Deps, actor: Actor, p: DetokenizeParams): Promise<TokenOperation> {
  const at = deps.clock();
  const id = newId(deps, "dtk");
  const issuanceId = parseIssuanceId(p.issuanceId);
  await transact(deps.db, async (tx) => {
    const [org] = await rows(tx, sql`SELECT wallet_address FROM organizations WHERE id = ${actor.id}`);
    const wallet = strOrNull(org?.wallet_address);
    if (!wallet) {
      throw new Unprocessable(
        "wallet_address_required",
        "The organization has no registered walletAddress to burn from",
      );
    }
    const ident = issuanceId === undefined ? undefined : await issuanceIdent(tx, issuanceId);
    if (!ident || issuanceId === undefined)
      throw new NotFound("issuance_not_found", `No issuance ${p.issuanceId.slice(0, 40)}`);
    await lockIssuances(tx, [issuanceId]);
    const [row] = await rows(
      tx,
      sql`SELECT
            (SELECT coalesce(sum(upper(serials) - lower(serials)), 0) FROM segments
              WHERE issuance_id = ${issuanceId} AND state = 'tokenized' AND holder = ${actor.id})::text AS tokenized,
            (SELECT coalesce(sum(quantity), 0) FROM chain_outbox
              WHERE issuance_id = ${issuanceId} AND kind = 'burn' AND organization_id = ${actor.id} AND applied_at IS NULL)::text AS reserved`,
    );
    const available = big(row?.tokenized ?? 0) - big(row?.reserved ?? 0);
    if (available < BigInt(p.quantity)) {
      throw new SerialsConflict(
        "insufficient_holdings",
        `The caller has fewer than ${p.quantity} tokenized units of ${p.issuanceId}`,
        [],
        {
          available: Number(available),
          requested: p.quantity,
        },
      );
    }
    await insertOperation(tx, at, {
      id,
      kind: "burn",
      organizationId: actor.id,
      issuanceId,
      serials: [],
      quantity: p.quantity,
      address: wallet,
    });
  });
  return (await getOperation(deps.db, id)) as TokenOperation;
}

/** What the listener saw on chain; one row per log, so a log delivered twice is applied once. */
export interface ChainLog {
  txHash: string;
  logIndex: number;
  blockNumber: bigint;
  blockTime: Date;
}

export type LogOutcome =
  | { outcome: "applied"; claimId?: string }
  | { outcome: "drift"; detail: string }
  | { outcome: "duplicate" };

async function claimLog(
  tx: Db,
  log: ChainLog,
  event: string,
  tokenId: bigint,
  amount: bigint,
  account: string,
  at: Date,
): Promise<boolean> {
  const inserted = await rows(
    tx,
    sql`INSERT INTO chain_logs (tx_hash, log_index, block_number, event, token_id, amount, account, outcome, created_at)
        VALUES (${log.txHash.toLowerCase()}, ${log.logIndex}, ${log.blockNumber}, ${event}, ${tokenId.toString()},
                ${amount.toString()}, ${account.toLowerCase()}, 'pending', ${at.toISOString()})
        ON CONFLICT DO NOTHING RETURNING 1 AS fresh`,
  );
  return inserted.length > 0;
}

async function settleLog(tx: Db, log: ChainLog, outcome: LogOutcome): Promise<LogOutcome> {
  await tx.execute(sql`
    UPDATE chain_logs SET outcome = ${outcome.outcome}, detail = ${"detail" in outcome ? outcome.detail : null},
           claim_id = ${"claimId" in outcome ? (outcome.claimId ?? null) : null}
    WHERE tx_hash = ${log.txHash.toLowerCase()} AND log_index = ${log.logIndex}`);
  return outcome;
}

/** Locks the issuance behind a token id and names it, or explains why it cannot. */
async function tokenIssuance(tx: Db, tokenId: bigint): Promise<Omit<IssuanceTargets, "ranges"> | string> {
  if (tokenId < 1n || tokenId > 2n ** 63n - 1n) return `token id ${tokenId} is not an issuance`;
  const ident = await issuanceIdent(tx, issuanceIdOf(tokenId));
  if (!ident) return `token id ${tokenId} is not an issuance`;
  await lockIssuances(tx, [tokenId]);
  return ident;
}

async function claimantFor(
  deps: Deps,
  tx: Db,
  holder: string,
  at: Date,
): Promise<{ id: string; country: string | null }> {
  const [org] = await rows(
    tx,
    sql`SELECT id, country FROM organizations WHERE lower(wallet_address) = ${holder.toLowerCase()} ORDER BY created_at LIMIT 1`,
  );
  if (org) return { id: str(org.id), country: strOrNull(org.country) };
  // A buyer who never registered with the bridge is still recorded, under its address.
  const id = newId(deps, "org");
  await tx.execute(sql`
    INSERT INTO organizations (id, name, role, country, wallet_address, created_at)
    VALUES (${id}, ${`On-chain holder ${holder.toLowerCase()}`}, 'company', NULL, ${holder.toLowerCase()}, ${at.toISOString()})`);
  await appendJournal(tx, [
    {
      chain: `org:${id}`,
      kind: "organization.created",
      actor: null,
      at,
      serials: [],
      details: {
        id,
        name: `On-chain holder ${holder.toLowerCase()}`,
        role: "company",
        walletAddress: holder.toLowerCase(),
      },
      ranges: [],
    },
  ]);
  return { id, country: null };
}

export interface RetiredEvent extends ChainLog {
  holder: string;
  tokenId: bigint;
  amount: bigint;
  beneficiary: string;
  purpose: string;
}

/**
 * An on-chain retire becomes a claim on the lowest-numbered tokenized units of that issuance:
 * `compensation` when every one of them is authorized and correspondingly adjusted, else
 * `contribution`. A retire of more than the ledger has tokenized is drift, never a claim.
 */
export async function applyRetired(deps: Deps, e: RetiredEvent): Promise<LogOutcome> {
  const at = deps.clock();
  return transact(deps.db, async (tx) => {
    if (!(await claimLog(tx, e, "Retired", e.tokenId, e.amount, e.holder, at))) return { outcome: "duplicate" };
    const ident = await tokenIssuance(tx, e.tokenId);
    if (typeof ident === "string") return settleLog(tx, e, { outcome: "drift", detail: ident });
    const ranges = e.amount > 0n ? await lowestUnits(tx, e.tokenId, "tokenized", null, e.amount) : [];
    if (ranges.length === 0) {
      return settleLog(tx, e, {
        outcome: "drift",
        detail: `retired ${e.amount} of token ${e.tokenId}, more than the ledger has tokenized`,
      });
    }
    const groups = [{ ...ident, ranges: normalize(ranges) }];
    const claimant = await claimantFor(deps, tx, e.holder, at);
    const id = newId(deps, "clm");
    let fullyAdjusted = true;
    await transitionLocked(tx, groups, { kind: "retire_token", claimant: claimant.id, claimId: id }, (u) => {
      fullyAdjusted &&= claimPolicy("compensation", u) === undefined;
    });
    const claimType: ClaimType = fullyAdjusted ? "compensation" : "contribution";
    const day = e.blockTime.toISOString().slice(0, 10);
    await recordClaim(tx, groups, {
      id,
      claimant: claimant.id,
      beneficiary: { name: e.beneficiary.trim() || e.holder.toLowerCase(), country: claimant.country ?? "ZZ" },
      claimType,
      purpose: e.purpose.trim() || "Retired on chain",
      period: { start: day, end: day },
      at,
      txHash: e.txHash.toLowerCase(),
      chainDetails: { logIndex: e.logIndex, blockNumber: Number(e.blockNumber), holder: e.holder.toLowerCase() },
    });
    return settleLog(tx, e, { outcome: "applied", claimId: id });
  });
}

export interface BurnedEvent extends ChainLog {
  opId: string;
  from: string;
  tokenId: bigint;
  amount: bigint;
}

/** A burn the bridge sent for a detokenization returns the owner's lowest tokenized units to `held`. */
export async function applyBurned(deps: Deps, e: BurnedEvent): Promise<LogOutcome> {
  const at = deps.clock();
  return transact(deps.db, async (tx) => {
    if (!(await claimLog(tx, e, "Burned", e.tokenId, e.amount, e.from, at))) return { outcome: "duplicate" };
    const [op] = await rows(
      tx,
      sql`SELECT id, organization_id, applied_at FROM chain_outbox WHERE op_id = ${e.opId.toLowerCase()} AND kind = 'burn'`,
    );
    if (!op)
      return settleLog(tx, e, { outcome: "drift", detail: `burn ${e.opId} was not requested through the bridge` });
    if (op.applied_at !== null)
      return settleLog(tx, e, { outcome: "drift", detail: `burn ${e.opId} was already applied` });
    const ident = await tokenIssuance(tx, e.tokenId);
    if (typeof ident === "string") return settleLog(tx, e, { outcome: "drift", detail: ident });
    const owner = str(op.organization_id);
    const ranges = await lowestUnits(tx, e.tokenId, "tokenized", owner, e.amount);
    if (ranges.length === 0) {
      return settleLog(tx, e, {
        outcome: "drift",
        detail: `burned ${e.amount} of token ${e.tokenId}, more than ${owner} has tokenized`,
      });
    }
    const groups = [{ ...ident, ranges: normalize(ranges) }];
    await transitionLocked(tx, groups, { kind: "burn_token", owner });
    const serials = formatTargets(groups);
    await appendJournal(tx, [
      unitEntry(groups, {
        kind: "detokenization",
        actor: owner,
        at,
        details: {
          detokenizationId: str(op.id),
          tokenId: String(e.tokenId),
          quantity: Number(e.amount),
          txHash: e.txHash.toLowerCase(),
        },
      }),
    ]);
    await tx.execute(sql`UPDATE chain_outbox SET serials = ${arrayParam(serials, "text")}, applied_at = ${at.toISOString()},
                           updated_at = ${at.toISOString()} WHERE id = ${str(op.id)}`);
    return settleLog(tx, e, { outcome: "applied" });
  });
}

/** Journals a mint the worker saw confirmed, so a credit's provenance names its transaction. */
export async function recordMintConfirmed(
  deps: Deps,
  op: TokenOperation,
  txHash: string,
  blockNumber: bigint,
): Promise<void> {
  const at = deps.clock();
  await transact(deps.db, async (tx) => {
    const issuanceId = parseTokenId(op.tokenId);
    const ident = issuanceId === undefined ? undefined : await issuanceIdent(tx, issuanceId);
    if (!ident || issuanceId === undefined) return;
    await lockIssuances(tx, [issuanceId]);
    const updated = await rows(
      tx,
      sql`UPDATE chain_outbox SET status = 'confirmed', tx_hash = ${txHash.toLowerCase()}, block_number = ${blockNumber},
            lease_until = NULL, last_error = NULL, applied_at = ${at.toISOString()}, updated_at = ${at.toISOString()}
          WHERE id = ${op.id} AND status <> 'confirmed' RETURNING id`,
    );
    if (updated.length === 0) return;
    await appendJournal(tx, [
      {
        chain: `iss:${issuanceId}`,
        kind: "tokenization.confirmed",
        actor: null,
        at,
        serials: op.serials,
        details: {
          tokenizationId: op.id,
          tokenId: op.tokenId,
          txHash: txHash.toLowerCase(),
          blockNumber: Number(blockNumber),
        },
        ranges: op.serials.map((s) => ({ issuanceId, ...parseSerials(s) })),
      },
    ]);
  });
}
