import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, rows, str, writeTogether } from "../../../db/values.js";
import { NotFound, Unprocessable } from "../core/errors.js";
import type { Operation } from "../core/rules.js";
import { journalInserts, prepareJournal } from "../journal/journal.js";
import {
  type ExternalRef,
  externalRefsInsert,
  refuseIfTaken,
  requireDistinct,
  requireFree,
} from "../store/external-refs.js";
import { formatTargets, type IssuanceTargets } from "../store/resolve.js";
import { transact } from "../store/transact.js";
import { type Actor, type Deps, newId } from "./deps.js";
import { requireOperated } from "./registry-scope.js";
import { lockSelection, quantityOfGroups, type Selection, unitEntry } from "./selection.js";
import { planTransition, readLocked } from "./transition.js";

/** Deposits, withdrawals and transfers: units changing hands without being used. */
export interface Movement {
  id: string;
  kind: "deposit" | "withdrawal" | "transfer";
  serials: string[];
  quantity: number;
  organizationId: string | null;
  fromOrganizationId: string | null;
  toOrganizationId: string | null;
  registryReference: string | null;
  /** The references the registry gave the movement in its own system. */
  externalRefs: ExternalRef[];
  journalSeq: number;
  createdAt: string;
}

async function requireCompany(db: Db, id: string, field: string): Promise<void> {
  const [org] = await rows(db, sql`SELECT role FROM organizations WHERE id = ${id}`);
  if (!org) throw new NotFound("organization_not_found", `No organization ${id}`);
  if (str(org.role) !== "company") {
    throw new Unprocessable("invalid_holder", `${field} ${id} is not a company and cannot hold units`);
  }
}

interface MovementSpec {
  kind: Movement["kind"];
  idPrefix: string;
  selection: Selection;
  /** Whose held units `allocate` draws from. */
  allocateFrom: string;
  from: string | null;
  to: string | null;
  registryReference: string | null;
  externalRefs?: ExternalRef[] | undefined;
  op: Operation;
}

async function move(deps: Deps, actor: Actor, spec: MovementSpec): Promise<Movement> {
  const at = deps.clock();
  const id = newId(deps, spec.idPrefix);
  const externalRefs = spec.externalRefs ?? [];
  requireDistinct(externalRefs.map((ref, i) => ({ path: `externalRefs.${i}`, ref })));
  try {
    return await moveOnce(deps, actor, spec, { id, at, externalRefs });
  } catch (error) {
    await refuseIfTaken(deps.db, error, externalRefs);
    throw error;
  }
}

async function moveOnce(
  deps: Deps,
  actor: Actor,
  spec: MovementSpec,
  m: { id: string; at: Date; externalRefs: ExternalRef[] },
): Promise<Movement> {
  const { id, at, externalRefs } = m;
  return transact(deps.db, async (tx) => {
    await requireFree(tx, externalRefs);
    const groups: IssuanceTargets[] = await lockSelection(tx, spec.selection, spec.allocateFrom);
    requireOperated(
      actor,
      groups.map((g) => g.registry),
    );
    const { existing, slots } = await readLocked(tx, groups);
    const planned = planTransition(groups, existing, spec.op);
    const quantity = quantityOfGroups(groups);
    const details = {
      id,
      from: spec.from,
      to: spec.to,
      registryReference: spec.registryReference,
      quantity,
      ...(externalRefs.length > 0 ? { externalRefs } : {}),
    };
    const input = unitEntry(groups, { kind: spec.kind, actor: actor.id, at, details });
    const [entry] = await prepareJournal(tx, [input], { slots });
    const journalSeq = entry?.seq ?? 0n;
    const serials = formatTargets(groups);
    await writeTogether(tx, [
      ...planned.writes,
      ...(entry ? journalInserts([entry], [input]) : []),
      sql`INSERT INTO movements (id, kind, actor_id, from_organization_id, to_organization_id, registry_reference,
                                 serials, quantity, journal_seq, created_at)
          VALUES (${id}, ${spec.kind}, ${actor.id}, ${spec.from}, ${spec.to}, ${spec.registryReference},
                  ${arrayParam(serials, "text")}, ${quantity}, ${journalSeq}, ${at.toISOString()})`,
      ...(externalRefs.length > 0 && spec.kind !== "transfer"
        ? [externalRefsInsert([{ kind: spec.kind, recordId: id, serials, journalSeq, refs: externalRefs }], at)]
        : []),
    ]);
    return {
      id,
      kind: spec.kind,
      serials,
      quantity,
      organizationId: spec.to ?? spec.from,
      fromOrganizationId: spec.from,
      toOrganizationId: spec.to,
      registryReference: spec.registryReference,
      externalRefs,
      journalSeq: Number(journalSeq),
      createdAt: at.toISOString(),
    };
  });
}

export interface DepositParams {
  serials: string[];
  organizationId: string;
  registryReference: string;
  externalRefs?: ExternalRef[] | undefined;
}

/** `in_registry → held(org)`, by a registry. */
export async function deposit(deps: Deps, actor: Actor, p: DepositParams): Promise<Movement> {
  await requireCompany(deps.db, p.organizationId, "organizationId");
  return move(deps, actor, {
    kind: "deposit",
    idPrefix: "dep",
    selection: { serials: p.serials },
    allocateFrom: p.organizationId,
    from: null,
    to: p.organizationId,
    registryReference: p.registryReference,
    externalRefs: p.externalRefs,
    op: { kind: "deposit", to: p.organizationId },
  });
}

export interface WithdrawalParams {
  serials: string[];
  registryReference: string;
  externalRefs?: ExternalRef[] | undefined;
}

/** `held → in_registry`, by a registry (any holder) or by the holder itself. */
export async function withdraw(deps: Deps, actor: Actor, p: WithdrawalParams): Promise<Movement> {
  const holder = actor.role === "registry" ? null : actor.id;
  return move(deps, actor, {
    kind: "withdrawal",
    idPrefix: "wdr",
    selection: { serials: p.serials },
    allocateFrom: actor.id,
    from: holder,
    to: null,
    registryReference: p.registryReference,
    externalRefs: p.externalRefs,
    op: { kind: "withdraw", holder },
  });
}

export type TransferParams = Selection & { toOrganizationId: string };

/** `held(caller) → held(recipient)`. */
export async function transfer(deps: Deps, actor: Actor, p: TransferParams): Promise<Movement> {
  if (p.toOrganizationId === actor.id) {
    throw new Unprocessable("invalid_recipient", "A transfer to the caller itself changes nothing");
  }
  await requireCompany(deps.db, p.toOrganizationId, "toOrganizationId");
  return move(deps, actor, {
    kind: "transfer",
    idPrefix: "trf",
    selection: "serials" in p ? { serials: p.serials } : { allocate: p.allocate },
    allocateFrom: actor.id,
    from: actor.id,
    to: p.toOrganizationId,
    registryReference: null,
    op: { kind: "transfer", holder: actor.id, to: p.toOrganizationId },
  });
}
