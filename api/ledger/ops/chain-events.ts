import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, rows, str, strOrNull } from "../../../db/values.js";
import { issuanceIdOf, parseTokenId } from "../core/ids.js";
import { normalize } from "../core/ranges.js";
import { type ClaimType, claimPolicy } from "../core/rules.js";
import { parseSerials } from "../core/serials.js";
import { appendJournal } from "../journal/journal.js";
import { authorizationsOver } from "../store/authorizations.js";
import { formatTargets, type IssuanceTargets } from "../store/resolve.js";
import { lockIssuances } from "../store/segments.js";
import { transact } from "../store/transact.js";
import { recordClaim } from "./claims.js";
import { type Deps, newId } from "./deps.js";
import { issuanceIdent, lowestUnits, unitEntry } from "./selection.js";
import type { TokenOperation } from "./tokens.js";
import { itmoTrace, transitionLocked, unitsOf } from "./transition.js";

/**
 * What the chain listener saw, applied to the ledger: retires become claims, the bridge's burns
 * return units to their holder, confirmed mints are recorded. Each log is applied once.
 */

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
 * `compensation` when every one of them could be claimed so by the claimant (authorized by the host
 * for OIMP, correspondingly adjusted, the claimant an authorized entity where any are named), else
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
    const authorizations = await authorizationsOver(tx, groups);
    const units = await unitsOf(tx, groups);
    const compensates = units.every(({ g, parts }) =>
      parts.every(
        (u) =>
          claimPolicy({ claimType: "compensation", corsia: false }, u, claimant.id, g.hostCountry, authorizations) ===
          undefined,
      ),
    );
    const claimType: ClaimType = compensates ? "compensation" : "contribution";
    const moved = await transitionLocked(tx, groups, {
      kind: "retire_token",
      claimant: claimant.id,
      claimId: id,
      claimType,
      authorizations,
    });
    const day = e.blockTime.toISOString().slice(0, 10);
    await recordClaim(tx, groups, {
      id,
      claimant: claimant.id,
      beneficiary: { name: e.beneficiary.trim() || e.holder.toLowerCase(), country: claimant.country ?? "ZZ" },
      claimType,
      purpose: e.purpose.trim() || "Retired on chain",
      period: { start: day, end: day },
      reason: "other",
      notes: `Retired on chain in transaction ${e.txHash.toLowerCase()} (block ${e.blockNumber}): the contract's retire() carries a beneficiary and a purpose only, no reason, framework or reporting year`,
      at,
      txHash: e.txHash.toLowerCase(),
      chainDetails: { logIndex: e.logIndex, blockNumber: Number(e.blockNumber), holder: e.holder.toLowerCase() },
      itmos: itmoTrace(moved),
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
