import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, date, type Row, rows, str, strOrNull } from "../../../db/values.js";
import { InvalidRequest, NotFound, SerialsConflict, StateConflict, Unprocessable } from "../core/errors.js";
import { formatIssuanceId, parseIssuanceId } from "../core/ids.js";
import { appendJournal } from "../journal/journal.js";
import { formatTargets, type IssuanceTargets } from "../store/resolve.js";
import { lockIssuances } from "../store/segments.js";
import { transact } from "../store/transact.js";
import { type Actor, type Deps, newId } from "./deps.js";
import { issuanceIdent, lockSelection, quantityOfGroups, type Selection, unitEntry } from "./selection.js";
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
