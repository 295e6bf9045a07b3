import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, date, day, type Row, rows, str, strOrNull, writeTogether } from "../../../db/values.js";
import { InvalidRequest, NotFound } from "../core/errors.js";
import type { ItmoTrace } from "../core/itmo.js";
import type { ClaimType } from "../core/rules.js";
import { type JournalEntry, journalInserts, prepareJournal } from "../journal/journal.js";
import { authorizationsOver, type ItmoIds, itmoIdsOf } from "../store/authorizations.js";
import { formatTargets, type IssuanceTargets } from "../store/resolve.js";
import { targetRanges, useRangesInsert } from "../store/segments.js";
import { transact } from "../store/transact.js";
import { type Actor, type Deps, newId } from "./deps.js";
import { lockSelection, quantityOfGroups, type Selection, unitEntry } from "./selection.js";
import { itmoTrace, transitionLocked } from "./transition.js";

export type ClaimParams = Selection & {
  beneficiary: { name: string; country: string };
  claimType: ClaimType;
  purpose: string;
  period: { start: string; end: string };
};

export interface Claim {
  id: string;
  claimant: string;
  claimantName: string;
  beneficiary: { name: string; country: string };
  claimType: ClaimType;
  purpose: string;
  period: { start: string; end: string };
  serials: string[];
  quantity: number;
  hostCountries: string[];
  txHash: string | null;
  createdAt: string;
  certificate: { hash: string; journalSeq: number };
  /** The ITMO blocks among the claimed units, with their first and last ITMO ids. */
  itmos: ItmoIds[];
}

export interface ClaimRecord {
  id: string;
  claimant: string;
  beneficiary: { name: string; country: string };
  claimType: ClaimType;
  purpose: string;
  period: { start: string; end: string };
  at: Date;
  /** Looked up when not given. */
  claimantName?: string | undefined;
  txHash?: string | null;
  chainDetails?: Record<string, unknown>;
  /** The ITMO blocks the claim used, for the Article 6 report. */
  itmos?: ItmoTrace[];
}

/** The statement writing a claim's own row. */
export function claimInsert(
  c: ClaimRecord,
  u: { serials: string[]; quantity: number; hostCountries: string[]; entry: JournalEntry },
): SQL {
  return sql`INSERT INTO claims (id, claimant_id, beneficiary_name, beneficiary_country, claim_type, purpose, period_start,
                                 period_end, serials, quantity, host_countries, tx_hash, journal_seq, journal_hash, created_at)
             VALUES (${c.id}, ${c.claimant}, ${c.beneficiary.name}, ${c.beneficiary.country}, ${c.claimType}, ${c.purpose},
                     ${c.period.start}::date, ${c.period.end}::date, ${arrayParam(u.serials, "text")}, ${u.quantity},
                     ${arrayParam(u.hostCountries, "text")}, ${c.txHash ?? null}::text, ${u.entry.seq}, ${u.entry.hash},
                     ${c.at.toISOString()}::timestamptz)`;
}

/**
 * Writes a claim whose units the caller already moved to `claimed` (under the issuance locks):
 * the terminal-use rows, the journal entry and the claim itself, in one statement.
 */
export async function recordClaim(tx: Db, groups: readonly IssuanceTargets[], c: ClaimRecord): Promise<Claim> {
  const quantity = quantityOfGroups(groups);
  const hostCountries = [...new Set(groups.map((g) => g.hostCountry))].sort();
  const claimantName =
    c.claimantName ?? str((await rows(tx, sql`SELECT name FROM organizations WHERE id = ${c.claimant}`))[0]?.name);
  const details = {
    claimId: c.id,
    claimant: c.claimant,
    claimantName,
    hostCountries,
    beneficiary: c.beneficiary,
    claimType: c.claimType,
    purpose: c.purpose,
    period: c.period,
    quantity,
    ...(c.txHash ? { txHash: c.txHash, ...c.chainDetails } : {}),
    ...(c.itmos?.length ? { itmos: c.itmos } : {}),
  };
  const input = unitEntry(groups, { kind: "claim", actor: c.claimant, at: c.at, details });
  const entries = await prepareJournal(tx, [input]);
  const entry = entries[0] as JournalEntry;
  const serials = formatTargets(groups);
  await writeTogether(tx, [
    useRangesInsert(targetRanges(groups), { claimId: c.id }),
    ...journalInserts(entries, [input]),
    claimInsert(c, { serials, quantity, hostCountries, entry }),
  ]);
  return {
    id: c.id,
    claimant: c.claimant,
    claimantName,
    beneficiary: c.beneficiary,
    claimType: c.claimType,
    purpose: c.purpose,
    period: c.period,
    serials,
    quantity,
    hostCountries,
    txHash: c.txHash ?? null,
    createdAt: c.at.toISOString(),
    certificate: { hash: entry.hash, journalSeq: Number(entry.seq) },
    itmos: (await itmoIdsOf(tx, [c.itmos ?? []]))[0] ?? [],
  };
}

/** `held(caller) → claimed(claim)`: terminal, recorded in segments and in the use table. */
export async function createClaim(deps: Deps, actor: Actor, p: ClaimParams): Promise<Claim> {
  if (p.period.start > p.period.end) {
    throw new InvalidRequest([
      { path: "period", message: `period starts (${p.period.start}) after it ends (${p.period.end})` },
    ]);
  }
  const at = deps.clock();
  const id = newId(deps, "clm");
  const selection: Selection = "serials" in p ? { serials: p.serials } : { allocate: p.allocate };
  return transact(deps.db, async (tx) => {
    const groups = await lockSelection(tx, selection, actor.id);
    const moved = await transitionLocked(tx, groups, {
      kind: "claim",
      holder: actor.id,
      claimId: id,
      claimType: p.claimType,
      authorizations: await authorizationsOver(tx, groups),
    });
    return recordClaim(tx, groups, {
      ...p,
      id,
      claimant: actor.id,
      claimantName: actor.name,
      at,
      itmos: itmoTrace(moved),
    });
  });
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
  return {
    id: str(r.id),
    claimant: str(r.claimant_id),
    claimantName: str(r.claimant_name),
    beneficiary: { name: str(r.beneficiary_name), country: str(r.beneficiary_country) },
    claimType: str(r.claim_type) as ClaimType,
    purpose: str(r.purpose),
    period: { start: day(r.period_start), end: day(r.period_end) },
    serials: r.serials as string[],
    quantity: Number(big(r.q)),
    hostCountries: r.host_countries as string[],
    txHash: strOrNull(r.tx_hash),
    createdAt: date(r.created_at).toISOString(),
    certificate: { hash: str(r.journal_hash), journalSeq: Number(big(r.seq)) },
  };
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
  const conditions = [sql`true`];
  if (f.claimant) conditions.push(sql`c.claimant_id = ${f.claimant}`);
  if (f.year !== undefined) conditions.push(madeInYear(f.year));
  if (f.hostCountry) conditions.push(sql`${f.hostCountry} = ANY(c.host_countries)`);
  if (f.txHash) conditions.push(sql`c.tx_hash = ${f.txHash.toLowerCase()}`);
  if (page.cursor) conditions.push(sql`c.id < ${page.cursor}`);
  const found = await rows(
    db,
    sql`SELECT ${CLAIM_COLUMNS} FROM ${CLAIM_SOURCES}
        WHERE ${sql.join(conditions, sql` AND `)} ORDER BY c.id DESC LIMIT ${page.limit + 1}`,
  );
  const data = await claimsFromRows(db, found.slice(0, page.limit));
  return { data, nextCursor: found.length > page.limit ? (data.at(-1)?.id ?? null) : null };
}
