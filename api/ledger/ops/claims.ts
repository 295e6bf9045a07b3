import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import {
  arrayParam,
  big,
  date,
  day,
  type NamedWrite,
  type Row,
  rows,
  str,
  strOrNull,
  writeTogether,
} from "../../../db/values.js";
import {
  type BeneficiaryKind,
  beneficiaryKey,
  type ClaimTerms,
  claimTermIssues,
  type Framework,
  type FrameworkKind,
  type Reason,
  type Scope,
  type VcmiTier,
} from "../core/claim-terms.js";
import { BatchItemRefused, InvalidRequest, LedgerError, NotFound } from "../core/errors.js";
import type { ItmoTrace } from "../core/itmo.js";
import type { ClaimType } from "../core/rules.js";
import { type JournalEntry, type JournalSlots, journalInserts, prepareJournal } from "../journal/journal.js";
import { authorizationTerms, type ItmoIds, itmoIdsOf } from "../store/authorizations.js";
import { formatTargets, type IssuanceTargets } from "../store/resolve.js";
import { lockIssuances, targetRanges, useRangesInsert } from "../store/segments.js";
import { transact } from "../store/transact.js";
import { type Actor, type Deps, newId, newIds } from "./deps.js";
import {
  issuancesOf,
  lockSelection,
  quantityOfGroups,
  type ResolvedSelection,
  resolveSelection,
  type Selection,
  takeSelection,
  unitEntry,
} from "./selection.js";
import { authorizationIdsWithin, itmoTrace, planTransition, readLocked } from "./transition.js";

export type ClaimParams = Selection & ClaimStatements;

/** What a claim states beyond its units. */
export interface ClaimStatements extends ClaimTerms {
  purpose: string;
  period: { start: string; end: string };
}

/** A claim's beneficiary as answers show it; `name` is withheld (null) for a person in lists and exports. */
export interface ClaimBeneficiary {
  name: string | null;
  country: string;
  legalId: string | null;
  kind: BeneficiaryKind;
}

export interface Claim {
  id: string;
  claimant: string;
  claimantName: string;
  beneficiary: ClaimBeneficiary;
  claimType: ClaimType;
  purpose: string;
  period: { start: string; end: string };
  reason: Reason | null;
  framework: Framework | null;
  reportingYear: number | null;
  scopes: Scope[] | null;
  notes: string | null;
  serials: string[];
  quantity: number;
  hostCountries: string[];
  projectRefs: string[];
  txHash: string | null;
  createdAt: string;
  certificate: { hash: string; journalSeq: number };
  /** The ITMO blocks among the claimed units, with their first and last ITMO ids. */
  itmos: ItmoIds[];
}

export interface ClaimRecord extends ClaimStatements {
  id: string;
  claimant: string;
  at: Date;
  /** Looked up when not given. */
  claimantName?: string | undefined;
  txHash?: string | null;
  chainDetails?: Record<string, unknown>;
  /** The ITMO blocks the claim used, for the Article 6 report. */
  itmos?: ItmoTrace[];
}

/** A claim's statements with every optional one settled: what is stored, journaled and answered. */
function settled(c: ClaimStatements) {
  return {
    beneficiary: {
      name: c.beneficiary.name,
      country: c.beneficiary.country,
      legalId: c.beneficiary.legalId ?? null,
      kind: c.beneficiary.kind ?? "organization",
    },
    claimType: c.claimType,
    purpose: c.purpose,
    period: c.period,
    reason: c.reason ?? null,
    framework: c.framework ?? null,
    reportingYear: c.reportingYear ?? null,
    scopes: c.scopes ? [...c.scopes].sort() : null,
    notes: c.notes ?? null,
  };
}

/** The rules between a claim's statements (`claimTermIssues`) and its period, as one `400`. */
export function checkStatements(p: ClaimStatements): void {
  const issues = claimTermIssues(p);
  if (p.period.start > p.period.end) {
    issues.push({ path: "period", message: `period starts (${p.period.start}) after it ends (${p.period.end})` });
  }
  if (issues.length > 0) throw new InvalidRequest(issues);
}

/** The statement writing a claim's own row. */
export function claimInsert(
  c: ClaimRecord,
  u: { serials: string[]; quantity: number; hostCountries: string[]; projectRefs: string[]; entry: JournalEntry },
): SQL {
  const t = settled(c);
  return sql`INSERT INTO claims (id, claimant_id, beneficiary_name, beneficiary_country, beneficiary_key, beneficiary_kind,
                                 beneficiary_legal_id, claim_type, purpose, period_start, period_end, reason, framework,
                                 framework_tier, framework_operator, reporting_year, scopes, notes, serials, quantity,
                                 host_countries, project_refs, tx_hash, journal_seq, journal_hash, created_at)
             VALUES (${c.id}, ${c.claimant}, ${t.beneficiary.name}, ${t.beneficiary.country},
                     ${beneficiaryKey(t.beneficiary.name)}, ${t.beneficiary.kind}, ${t.beneficiary.legalId}::text,
                     ${c.claimType}, ${c.purpose}, ${c.period.start}::date, ${c.period.end}::date, ${t.reason}::text,
                     ${t.framework?.kind ?? null}::text, ${t.framework?.tier ?? null}::text,
                     ${t.framework?.operator ?? null}::text, ${t.reportingYear}::int,
                     ${t.scopes ? arrayParam(t.scopes, "smallint") : null}, ${t.notes}::text,
                     ${arrayParam(u.serials, "text")}, ${u.quantity}, ${arrayParam(u.hostCountries, "text")},
                     ${arrayParam(u.projectRefs, "text")}, ${c.txHash ?? null}::text, ${u.entry.seq}, ${u.entry.hash},
                     ${c.at.toISOString()}::timestamptz)`;
}

/**
 * Writes a claim whose units are `claimed` under the issuance locks the caller holds: the
 * terminal-use rows, the journal entry and the claim itself, in one statement. `planned`: the
 * segment writes that claim the units, to go in the same statement, and the journal slots read
 * with those segments; without it the units were moved already.
 */
export async function recordClaim(
  tx: Db,
  groups: readonly IssuanceTargets[],
  c: ClaimRecord,
  planned: { writes: (SQL | NamedWrite)[]; slots: JournalSlots } | undefined = undefined,
): Promise<Claim> {
  const quantity = quantityOfGroups(groups);
  const hostCountries = [...new Set(groups.map((g) => g.hostCountry))].sort();
  const projectRefs = [...new Set(groups.map((g) => g.project))].sort();
  const claimantName =
    c.claimantName ?? str((await rows(tx, sql`SELECT name FROM organizations WHERE id = ${c.claimant}`))[0]?.name);
  const t = settled(c);
  const details = {
    claimId: c.id,
    claimant: c.claimant,
    claimantName,
    hostCountries,
    ...t,
    quantity,
    ...(c.txHash ? { txHash: c.txHash, ...c.chainDetails } : {}),
    ...(c.itmos?.length ? { itmos: c.itmos } : {}),
  };
  const input = unitEntry(groups, { kind: "claim", actor: c.claimant, at: c.at, details });
  const entries = await prepareJournal(tx, [input], planned ? { slots: planned.slots } : {});
  const entry = entries[0] as JournalEntry;
  const serials = formatTargets(groups);
  await writeTogether(tx, [
    ...(planned?.writes ?? []),
    useRangesInsert(targetRanges(groups), { claimId: c.id }),
    ...journalInserts(entries, [input]),
    claimInsert(c, { serials, quantity, hostCountries, projectRefs, entry }),
  ]);
  return {
    id: c.id,
    claimant: c.claimant,
    claimantName,
    ...t,
    serials,
    quantity,
    hostCountries,
    projectRefs,
    txHash: c.txHash ?? null,
    createdAt: c.at.toISOString(),
    certificate: { hash: entry.hash, journalSeq: Number(entry.seq) },
    itmos: (await itmoIdsOf(tx, [c.itmos ?? []]))[0] ?? [],
  };
}

/** `held(caller) → claimed(claim)`: terminal, recorded in segments and in the use table. */
export async function createClaim(deps: Deps, actor: Actor, p: ClaimParams): Promise<Claim> {
  checkStatements(p);
  const at = deps.clock();
  const id = newId(deps, "clm");
  return transact(deps.db, async (tx) => {
    const groups = await lockSelection(tx, selectionOf(p), actor.id);
    return claimLocked(tx, groups, actor, { ...p, id, at });
  });
}

/** The most claims one batch makes: each is its own journal entry, all in one transaction. */
export const MAX_BATCH_CLAIMS = 1000;

/**
 * Claims in one transaction, all or none: the first item refused (by its statements or its
 * units) refuses the batch, naming its index. Every issuance the batch touches is locked at
 * once, in id order, so two batches cannot deadlock on each other; allocations are drawn in item
 * order, each from what the items before it left.
 */
export async function createClaims(deps: Deps, actor: Actor, items: readonly ClaimParams[]): Promise<Claim[]> {
  for (const [index, p] of items.entries()) await itemOf(index, async () => checkStatements(p));
  const at = deps.clock();
  const ids = newIds(deps, "clm", items.length);
  return transact(deps.db, async (tx) => {
    const resolved: ResolvedSelection[] = [];
    for (const [index, p] of items.entries()) {
      resolved.push(await itemOf(index, () => resolveSelection(tx, selectionOf(p))));
    }
    await lockIssuances(tx, resolved.flatMap(issuancesOf));
    const made: Claim[] = [];
    for (const [index, p] of items.entries()) {
      const claim = await itemOf(index, async () => {
        const groups = await takeSelection(tx, resolved[index] as ResolvedSelection, actor.id);
        return claimLocked(tx, groups, actor, { ...p, id: ids[index] as string, at });
      });
      made.push(claim);
    }
    return made;
  });
}

/** Runs one item of a batch: a refusal of it is the batch's, naming the item. */
async function itemOf<T>(index: number, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw e instanceof LedgerError ? new BatchItemRefused(index, e) : e;
  }
}

const selectionOf = (p: ClaimParams): Selection => ("serials" in p ? { serials: p.serials } : { allocate: p.allocate });

/**
 * A claim of units whose issuances the caller holds locked: their segments and the journal's next
 * number and chain head in one read, the authorizations among them only if there are any, and
 * every write in one statement.
 */
async function claimLocked(
  tx: Db,
  groups: IssuanceTargets[],
  actor: Actor,
  c: ClaimStatements & { id: string; at: Date },
): Promise<Claim> {
  const { existing, slots } = await readLocked(tx, groups);
  const planned = planTransition(groups, existing, {
    kind: "claim",
    holder: actor.id,
    claimId: c.id,
    claimType: c.claimType,
    corsia: c.framework?.kind === "corsia",
    authorizations: await authorizationTerms(tx, authorizationIdsWithin(groups, existing)),
  });
  return recordClaim(
    tx,
    groups,
    { ...c, claimant: actor.id, claimantName: actor.name, itmos: itmoTrace(planned.moved) },
    { writes: planned.writes, slots },
  );
}

const CLAIM_COLUMNS = sql.raw(
  `c.*, c.journal_seq::text AS seq, c.quantity::text AS q, o.name AS claimant_name, j.details->'itmos' AS itmo_trace`,
);
const CLAIM_SOURCES = sql.raw(
  "claims c JOIN organizations o ON o.id = c.claimant_id JOIN journal j ON j.seq = c.journal_seq",
);

/** Claims as rows hold them, with the ITMO ids of the blocks their journal entries traced. */
async function claimsFromRows(db: Db, found: readonly Row[]): Promise<Claim[]> {
  const ids = await itmoIdsOf(
    db,
    found.map((r) => (Array.isArray(r.itmo_trace) ? (r.itmo_trace as ItmoTrace[]) : [])),
  );
  return found.map((r, i) => ({ ...claimFromRow(r), itmos: ids[i] ?? [] }));
}

function claimFromRow(r: Row): Omit<Claim, "itmos"> {
  const framework = strOrNull(r.framework) as Framework["kind"] | null;
  return {
    id: str(r.id),
    claimant: str(r.claimant_id),
    claimantName: str(r.claimant_name),
    beneficiary: {
      name: str(r.beneficiary_name),
      country: str(r.beneficiary_country),
      legalId: strOrNull(r.beneficiary_legal_id),
      kind: str(r.beneficiary_kind) as BeneficiaryKind,
    },
    claimType: str(r.claim_type) as ClaimType,
    purpose: str(r.purpose),
    period: { start: day(r.period_start), end: day(r.period_end) },
    reason: strOrNull(r.reason) as Reason | null,
    framework: framework && {
      kind: framework,
      ...(r.framework_tier ? { tier: str(r.framework_tier) as VcmiTier } : {}),
      ...(r.framework_operator ? { operator: str(r.framework_operator) } : {}),
    },
    reportingYear: r.reporting_year === null ? null : Number(r.reporting_year),
    scopes: Array.isArray(r.scopes) ? r.scopes.map((n) => Number(n) as Scope) : null,
    notes: strOrNull(r.notes),
    serials: r.serials as string[],
    quantity: Number(big(r.q)),
    hostCountries: r.host_countries as string[],
    projectRefs: r.project_refs as string[],
    txHash: strOrNull(r.tx_hash),
    createdAt: date(r.created_at).toISOString(),
    certificate: { hash: str(r.journal_hash), journalSeq: Number(big(r.seq)) },
  };
}

/** A claim as lists and exports show it: a person's name is shown on their own claim, never in bulk. */
export function listed(c: Claim): Claim {
  return c.beneficiary.kind === "person" ? { ...c, beneficiary: { ...c.beneficiary, name: null } } : c;
}

export async function getClaim(db: Db, id: string): Promise<Claim> {
  const [row] = await rows(db, sql`SELECT ${CLAIM_COLUMNS} FROM ${CLAIM_SOURCES} WHERE c.id = ${id}`);
  if (!row) throw new NotFound("claim_not_found", `No claim ${id.slice(0, 64)}`);
  const [claim] = await claimsFromRows(db, [row]);
  return claim as Claim;
}

export interface ClaimFilter {
  claimant?: string | undefined;
  year?: number | undefined;
  hostCountry?: string | undefined;
  txHash?: string | undefined;
  /** Part of an organization's name, compared as `beneficiaryKey` compares names. */
  beneficiary?: string | undefined;
  /** One organization: the whole of its `beneficiaryKey`. */
  beneficiaryKey?: string | undefined;
  projectRef?: string | undefined;
  reason?: Reason | undefined;
  framework?: FrameworkKind | undefined;
  claimType?: ClaimType | undefined;
}

/**
 * The filter as conditions on claims (alias `c`), for lists and exports alike. Names are
 * searched among organizations only: a person's name is not found by searching for it.
 */
export function claimConditions(f: ClaimFilter): SQL[] {
  const conditions = [sql`true`];
  if (f.claimant) conditions.push(sql`c.claimant_id = ${f.claimant}`);
  if (f.year !== undefined) conditions.push(madeInYear(f.year));
  if (f.hostCountry) conditions.push(sql`c.host_countries @> ARRAY[${f.hostCountry}]::text[]`);
  if (f.txHash) conditions.push(sql`c.tx_hash = ${f.txHash.toLowerCase()}`);
  if (f.beneficiary !== undefined) {
    const part = beneficiaryKey(f.beneficiary).replace(/[\\%_]/g, (ch) => `\\${ch}`);
    conditions.push(sql`c.beneficiary_kind = 'organization' AND c.beneficiary_key LIKE ${`%${part}%`}`);
  }
  if (f.beneficiaryKey !== undefined) {
    const key = beneficiaryKey(f.beneficiaryKey);
    conditions.push(sql`c.beneficiary_kind = 'organization' AND c.beneficiary_key = ${key}`);
  }
  if (f.projectRef) conditions.push(sql`c.project_refs @> ARRAY[${f.projectRef}]::text[]`);
  if (f.reason) conditions.push(sql`c.reason = ${f.reason}`);
  if (f.framework) conditions.push(sql`c.framework = ${f.framework}`);
  if (f.claimType) conditions.push(sql`c.claim_type = ${f.claimType}`);
  return conditions;
}

/** Claims (alias `c`) made in a calendar year, UTC: the year filter of lists and reports. */
export function madeInYear(year: number) {
  return sql`(c.created_at >= make_timestamptz(${year}, 1, 1, 0, 0, 0, 'UTC')
    AND c.created_at < make_timestamptz(${year + 1}, 1, 1, 0, 0, 0, 'UTC'))`;
}

/** Newest first; the cursor is the last id seen (ids are time-ordered). */
export async function listClaims(
  db: Db,
  f: ClaimFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ data: Claim[]; nextCursor: string | null }> {
  const conditions = claimConditions(f);
  if (page.cursor) conditions.push(sql`c.id < ${page.cursor}`);
  const found = await rows(
    db,
    sql`SELECT ${CLAIM_COLUMNS} FROM ${CLAIM_SOURCES}
        WHERE ${sql.join(conditions, sql` AND `)} ORDER BY c.id DESC LIMIT ${page.limit + 1}`,
  );
  const data = (await claimsFromRows(db, found.slice(0, page.limit))).map(listed);
  return { data, nextCursor: found.length > page.limit ? (data.at(-1)?.id ?? null) : null };
}
