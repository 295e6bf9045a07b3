import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, rows, str, strOrNull } from "../../../db/values.js";
import {
  type FirstTransferDefinition,
  firstTransferAtAuthorization,
  JCM_ACQUIRING_PARTY,
  type OimpPurpose,
  type Purpose,
} from "../core/authorization.js";
import { Forbidden, InvalidRequest, StateConflict } from "../core/errors.js";
import { subtract } from "../core/ranges.js";
import { formatSerials, parseSerials, type SerialRange } from "../core/serials.js";
import { appendJournal } from "../journal/journal.js";
import { type Authorization, getAuthorization } from "../read/authorizations.js";
import { formatTargets, type IssuanceTargets } from "../store/resolve.js";
import { transact } from "../store/transact.js";
import { type Actor, type Deps, newId } from "./deps.js";
import { lockSelection, quantityOfGroups, unitEntry } from "./selection.js";
import { itmoTrace, transitionLocked } from "./transition.js";

export interface AuthorizationParams {
  reference: string;
  version?: number | undefined;
  date: string;
  cooperativeApproachId?: string | undefined;
  purposes: Purpose[];
  oimpPurposes?: OimpPurpose[] | undefined;
  authorizedParties?: string[] | undefined;
  authorizedEntities?: string[] | undefined;
  firstTransfer?: FirstTransferDefinition | undefined;
  timeframe?: { start: string; end: string } | undefined;
  terms?: string | undefined;
  documentationUrl?: string | undefined;
  serials: string[];
}

/** Who may report on units of a project: its host, and Japan, the other party of every JCM project. */
export function partyOfProject(party: string, g: IssuanceTargets): boolean {
  return party === g.hostCountry || party === JCM_ACQUIRING_PARTY;
}

export function requireParties(
  party: string,
  groups: readonly IssuanceTargets[],
  what: string,
  hostOnly = false,
): void {
  const foreign = groups.filter((g) => (hostOnly ? party !== g.hostCountry : !partyOfProject(party, g)));
  if (foreign.length === 0) return;
  const who = hostOnly ? "the host country" : "Japan or the host country";
  throw new Forbidden(
    `Only ${who} may report ${what} on units of ${[...new Set(foreign.map((g) => g.project))].join(", ")}; ${party} is not`,
  );
}

/** The units of the previous version that the new one leaves out, as canonical ranges. */
function unitsLeftOut(previous: readonly string[], next: readonly string[]): string[] {
  const key = (r: SerialRange) => `${r.registry}-${r.project}-${r.vintage}`;
  const nextByKey = new Map<string, SerialRange[]>();
  for (const r of next.map((s) => parseSerials(s))) nextByKey.set(key(r), [...(nextByKey.get(key(r)) ?? []), r]);
  const prevByKey = new Map<string, SerialRange[]>();
  for (const r of previous.map((s) => parseSerials(s))) prevByKey.set(key(r), [...(prevByKey.get(key(r)) ?? []), r]);
  return [...prevByKey.values()].flatMap((prev) => {
    const [head] = prev as [SerialRange];
    return subtract(prev, nextByKey.get(key(head)) ?? []).map((r) => formatSerials({ ...head, ...r }));
  });
}

function requireConsistentTerms(p: AuthorizationParams): void {
  const errors: { path: string; message: string }[] = [];
  const oimp = p.purposes.includes("oimp");
  if (oimp && !p.firstTransfer) {
    errors.push({ path: "firstTransfer", message: "an authorization for OIMP must define its first transfer" });
  }
  if (!oimp && p.firstTransfer) {
    errors.push({ path: "firstTransfer", message: "only an authorization for OIMP defines its first transfer" });
  }
  if (!oimp && (p.oimpPurposes?.length ?? 0) > 0) {
    errors.push({ path: "oimpPurposes", message: "OIMP purposes need the purpose oimp" });
  }
  if (p.timeframe && p.timeframe.start > p.timeframe.end) {
    errors.push({ path: "timeframe", message: "the timeframe starts after it ends" });
  }
  if (errors.length > 0) throw new InvalidRequest(errors);
}

async function requireOrganizations(tx: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await rows(tx, sql`SELECT id FROM organizations WHERE id = ANY(${arrayParam(ids, "text")})`);
  const known = new Set(found.map((r) => str(r.id)));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new InvalidRequest(
      unknown.map((id) => ({ path: "authorizedEntities", message: `no organization ${id.slice(0, 64)}` })),
    );
  }
}

/**
 * Records an authorization, or a new version of one (same Party and reference), and puts its units
 * under it. Units a new version leaves out lose it; neither may touch units already first
 * transferred under another (ARTICLE6.md rule 1). Where the authorization is itself the first
 * transfer (OIMP, defined at authorization or issuance), its units are first transferred now.
 */
export async function createAuthorization(deps: Deps, actor: Actor, p: AuthorizationParams): Promise<Authorization> {
  const party = actor.country;
  if (!party) throw new Forbidden("A government organization needs a country to authorize as a party");
  requireConsistentTerms(p);
  const at = deps.clock();
  return transact(deps.db, async (tx) => {
    const written = await writeAuthorization(tx, { deps, actor, party, at }, p);
    return getAuthorization(tx, written.id);
  });
}

export interface WrittenAuthorization {
  id: string;
  serials: string[];
  quantity: number;
  journalSeq: bigint;
}

/**
 * The authorization's writes inside the caller's transaction. `as`: the id and journal details of
 * an authorization made by a government report of kind `authorization`, whose id derives from the
 * report's.
 */
export async function writeAuthorization(
  tx: Db,
  ctx: { deps: Deps; actor: Actor; party: string; at: Date },
  p: AuthorizationParams,
  as?: { id: string; details: Record<string, unknown> },
): Promise<WrittenAuthorization> {
  const { deps, actor, party, at } = ctx;
  const [existing] = await rows(
    tx,
    sql`SELECT id FROM authorizations WHERE party = ${party} AND reference = ${p.reference} FOR UPDATE`,
  );
  const [latest] = existing
    ? await rows(
        tx,
        sql`SELECT version, serials FROM authorization_versions WHERE authorization_id = ${str(existing.id)}
            ORDER BY version DESC LIMIT 1`,
      )
    : [];
  const id = existing ? str(existing.id) : (as?.id ?? newId(deps, "auz"));
  const version = latest ? Number(latest.version) + 1 : 1;
  if (p.version !== undefined && p.version !== version) {
    throw new StateConflict(
      "authorization_version_conflict",
      latest
        ? `Authorization ${p.reference} of ${party} is at version ${version - 1}; the next version is ${version}`
        : `Authorization ${p.reference} of ${party} does not exist yet; its first version is 1`,
    );
  }
  const leftOut = unitsLeftOut((latest?.serials as string[] | undefined) ?? [], p.serials);
  const dropped = leftOut.length > 0 ? await lockSelection(tx, { serials: leftOut }, actor.id) : [];
  const groups = await lockSelection(tx, { serials: p.serials }, actor.id);
  requireParties(party, groups, "an authorization");
  await requireOrganizations(tx, p.authorizedEntities ?? []);
  const [approach] = await rows(
    tx,
    sql`SELECT id FROM cooperative_approaches WHERE partner = ${groups[0]?.hostCountry ?? ""}`,
  );
  const cooperativeApproachId = p.cooperativeApproachId ?? strOrNull(approach?.id);
  const terms = { purposes: p.purposes, firstTransfer: p.firstTransfer ?? null };
  // Segments refer to the authorization: its row comes first.
  if (!existing) {
    await tx.execute(sql`INSERT INTO authorizations (id, party, reference, organization_id, created_at)
      VALUES (${id}, ${party}, ${p.reference}, ${actor.id}, ${at.toISOString()})`);
  }
  if (dropped.length > 0) {
    await transitionLocked(tx, dropped, { kind: "authorize", authorizationId: null, firstTransfer: false });
  }
  const moved = await transitionLocked(tx, groups, {
    kind: "authorize",
    authorizationId: id,
    firstTransfer: firstTransferAtAuthorization(terms),
  });
  const quantity = quantityOfGroups(groups);
  const record = {
    version,
    date: p.date,
    cooperativeApproachId,
    purposes: p.purposes,
    oimpPurposes: p.oimpPurposes ?? [],
    authorizedParties: p.authorizedParties ?? (party === JCM_ACQUIRING_PARTY ? [] : [JCM_ACQUIRING_PARTY]),
    authorizedEntities: p.authorizedEntities ?? [],
    firstTransfer: terms.firstTransfer,
    timeframe: p.timeframe ?? null,
    terms: p.terms ?? null,
    documentationUrl: p.documentationUrl ?? null,
    serials: formatTargets(groups),
    quantity,
  };
  const details = {
    authorizationId: id,
    party,
    reference: p.reference,
    ...record,
    itmos: itmoTrace(moved),
    ...as?.details,
  };
  const entries = await appendJournal(tx, [
    unitEntry(groups, { kind: "authorization.version", actor: actor.id, at, details }),
    ...(dropped.length > 0
      ? [
          unitEntry(dropped, {
            kind: "authorization.narrowed",
            actor: actor.id,
            at,
            details: { authorizationId: id, version },
          }),
        ]
      : []),
  ]);
  const journalSeq = entries[0]?.seq ?? 0n;
  await tx.execute(sql`
    INSERT INTO authorization_versions (authorization_id, version, date, cooperative_approach_id, purposes, oimp_purposes,
      authorized_parties, authorized_entities, first_transfer, timeframe_start, timeframe_end, terms, documentation_url,
      serials, quantity, journal_seq, created_at)
    VALUES (${id}, ${version}, ${p.date}::date, ${cooperativeApproachId}, ${arrayParam(record.purposes, "text")},
      ${arrayParam(record.oimpPurposes, "text")}, ${arrayParam(record.authorizedParties, "text")},
      ${arrayParam(record.authorizedEntities, "text")}, ${record.firstTransfer}::text, ${p.timeframe?.start ?? null}::date,
      ${p.timeframe?.end ?? null}::date, ${record.terms}::text, ${record.documentationUrl}::text,
      ${arrayParam(record.serials, "text")}, ${quantity}, ${journalSeq}, ${at.toISOString()})`);
  return { id, serials: record.serials, quantity, journalSeq };
}
