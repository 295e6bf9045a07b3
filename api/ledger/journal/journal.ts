import { createHash } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import {
  arrayParam,
  big,
  date,
  preparedRows,
  type Row,
  rows,
  str,
  strOrNull,
  writeTogether,
} from "../../../db/values.js";
import type { IssuanceId } from "../core/ids.js";
import type { Range } from "../core/ranges.js";
import { canonicalJson } from "./canonical-json.js";
import { outboxInsert } from "./outbox.js";

/**
 * The append-only journal. Entries form one hash chain per subject (`iss:<id>` for units,
 * `org:<id>`, `prj:<ref>`), so unrelated writes never wait on each other; a writer must hold the
 * lock that serialises its chain (the issuance row, the organization row) when it appends.
 */
export const GENESIS_HASH = "0".repeat(64);

export interface JournalRange {
  issuanceId: IssuanceId;
  start: bigint;
  end: bigint;
}

/** Every kind of entry the service writes; the replay of the journal handles each one. */
export const JOURNAL_KINDS = [
  "organization.created",
  "organization.updated",
  "key.created",
  "key.revoked",
  "project.created",
  "issuance.created",
  "deposit",
  "withdrawal",
  "transfer",
  "claim",
  "government_report.ndc_use",
  "government_report.authorization",
  "government_report.corresponding_adjustment",
  "government_report.first_transfer",
  "government_report.cancellation",
  "cooperative_approach.set",
  "authorization.version",
  "authorization.narrowed",
  "tokenization",
  "tokenization.confirmed",
  "detokenization",
] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

export function isJournalKind(kind: string): kind is JournalKind {
  return (JOURNAL_KINDS as readonly string[]).includes(kind);
}

export interface JournalInput {
  chain: string;
  kind: JournalKind;
  actor: string | null;
  at: Date;
  serials: string[];
  details: Record<string, unknown>;
  ranges: JournalRange[];
}

/** An entry as stored: its kind is whatever the row says, checked where it matters (replay). */
export interface JournalEntry {
  seq: bigint;
  chain: string;
  at: Date;
  kind: string;
  actor: string | null;
  serials: string[];
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The columns `journalFromRow` reads, for a query on `journal j`. */
export const JOURNAL_COLUMNS = sql.raw(
  "j.seq::text AS seq, j.chain, j.at, j.kind, j.actor, j.serials, j.details, j.prev_hash, j.hash",
);

export function journalFromRow(r: Row): JournalEntry {
  return {
    seq: big(r.seq),
    chain: str(r.chain),
    at: date(r.at),
    kind: str(r.kind),
    actor: strOrNull(r.actor),
    serials: r.serials as string[],
    // Both drivers decode jsonb, but a driver configured to leave it as text must not break hashing.
    details: (typeof r.details === "string" ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
    prevHash: str(r.prev_hash),
    hash: str(r.hash),
  };
}

export function entryHash(e: Omit<JournalEntry, "hash">): string {
  const body = canonicalJson({
    v: 1,
    seq: e.seq,
    chain: e.chain,
    at: e.at,
    kind: e.kind,
    actor: e.actor,
    serials: e.serials,
    details: e.details,
    prevHash: e.prevHash,
  });
  return createHash("sha256").update(body).digest("hex");
}

/** Sequence numbers drawn for new entries and the head of each chain they extend. */
export interface JournalSlots {
  seqs: bigint[];
  heads: Map<string, string>;
}

/**
 * The query drawing sequence numbers for `count` entries beside the current head of each chain: one
 * round trip, or part of one (`readTogether`). A chain's head is its last entry, found on the
 * (chain, seq) index. The transaction takes its transaction id before it takes a number (the join
 * row is built before the numbers are drawn), which is what lets the sealer tell when every number
 * up to some point is final (`seal.ts`).
 */
export function journalSlotsSql(count: number, chains: readonly string[]): SQL {
  return sql`SELECT nextval(pg_get_serial_sequence('journal', 'seq'))::text AS seq, NULL AS chain, NULL AS hash
        FROM generate_series(1, ${count}) CROSS JOIN (SELECT pg_current_xact_id() AS xid) x WHERE x.xid IS NOT NULL
        UNION ALL
        SELECT NULL, c.chain, (SELECT j.hash FROM journal j WHERE j.chain = c.chain ORDER BY j.seq DESC LIMIT 1)
        FROM unnest(${arrayParam(chains, "text")}) AS c(chain)`;
}

export function journalSlotsFromRows(result: readonly Row[]): JournalSlots {
  const seqs = result.flatMap((r) => (r.seq === null ? [] : [big(r.seq)])).sort((a, b) => (a < b ? -1 : 1));
  const heads = new Map(result.flatMap((r) => (r.hash === null ? [] : [[str(r.chain), str(r.hash)] as const])));
  return { seqs, heads };
}

/** The chains a list of entries extends, for `journalSlotsSql`. */
function chainsOf(inputs: readonly JournalInput[]): string[] {
  return [...new Set(inputs.map((i) => i.chain))];
}

/**
 * Numbers and hashes entries in order (entries on the same chain link to each other) without
 * writing them: `journalInserts` writes them, possibly in one statement with the operation's rows.
 * `newChains`: the chains were created in this transaction (new issuances), so none has a head yet.
 * `slots`: numbers and heads the caller already read (`journalSlotsSql` for these entries).
 */
export async function prepareJournal(
  db: Db,
  inputs: JournalInput[],
  options: { newChains?: boolean; slots?: JournalSlots } = {},
): Promise<JournalEntry[]> {
  if (inputs.length === 0) return [];
  const chains = options.newChains ? [] : chainsOf(inputs);
  return numberEntries(
    inputs,
    options.slots ?? journalSlotsFromRows(await preparedRows(db, journalSlotsSql(inputs.length, chains))),
  );
}

/** `prepareJournal` with the numbers and heads in hand: entry `i` takes `seqs[i]`. */
export function numberEntries(inputs: readonly JournalInput[], slots: JournalSlots): JournalEntry[] {
  const { seqs, heads } = slots;
  const last = new Map(heads);
  return inputs.map((input, i) => {
    const prevHash = last.get(input.chain) ?? GENESIS_HASH;
    const partial = {
      seq: seqs[i] as bigint,
      chain: input.chain,
      at: input.at,
      kind: input.kind,
      actor: input.actor,
      serials: input.serials,
      details: input.details,
      prevHash,
    };
    const entry = { ...partial, hash: entryHash(partial) };
    last.set(input.chain, entry.hash);
    return entry;
  });
}

/** The statements that write prepared entries, the ranges they index, and their webhook deliveries. */
export function journalInserts(entries: readonly JournalEntry[], inputs: readonly JournalInput[]): SQL[] {
  if (entries.length === 0) return [];
  const ranges = inputs.flatMap((input, i) =>
    input.ranges.map((r) => ({ ...r, seq: (entries[i] as JournalEntry).seq })),
  );
  return [...journalRowInserts(entries, ranges), outboxInsert(entries, ranges)];
}

/** The statements that write prepared entries and the ranges they index (what the journal itself holds). */
export function journalRowInserts(
  entries: readonly JournalEntry[],
  ranges: readonly (JournalRange & { seq: bigint })[],
): SQL[] {
  if (entries.length === 0) return [];
  const statements = [
    sql`INSERT INTO journal (seq, chain, at, kind, actor, serials, details, prev_hash, hash)
    SELECT u.seq, u.chain, u.at, u.kind, u.actor, ARRAY(SELECT jsonb_array_elements_text(u.serials)), u.details, u.prev, u.hash
    FROM unnest(${arrayParam(
      entries.map((e) => e.seq),
      "int8",
    )}, ${arrayParam(
      entries.map((e) => e.chain),
      "text",
    )}, ${arrayParam(
      entries.map((e) => e.at.toISOString()),
      "timestamptz",
    )}, ${arrayParam(
      entries.map((e) => e.kind),
      "text",
    )}, ${arrayParam(
      entries.map((e) => e.actor),
      "text",
    )}, ${arrayParam(
      entries.map((e) => JSON.stringify(e.serials)),
      "jsonb",
    )}, ${arrayParam(
      entries.map((e) => canonicalJson(e.details)),
      "jsonb",
    )}, ${arrayParam(
      entries.map((e) => e.prevHash),
      "text",
    )}, ${arrayParam(
      entries.map((e) => e.hash),
      "text",
    )}) AS u(seq, chain, at, kind, actor, serials, details, prev, hash)`,
  ];
  if (ranges.length > 0) {
    statements.push(sql`
      INSERT INTO journal_ranges (seq, issuance_id, serials)
      SELECT u.seq, u.iss, int8range(u.s, u.e, '[]')
      FROM unnest(${arrayParam(
        ranges.map((r) => r.seq),
        "int8",
      )}, ${arrayParam(
        ranges.map((r) => r.issuanceId),
        "int8",
      )}, ${arrayParam(
        ranges.map((r) => r.start),
        "int8",
      )}, ${arrayParam(
        ranges.map((r) => r.end),
        "int8",
      )}) AS u(seq, iss, s, e)`);
  }
  return statements;
}

/** Appends entries in order; entries on the same chain link to each other. */
export async function appendJournal(
  db: Db,
  inputs: JournalInput[],
  options: { newChains?: boolean } = {},
): Promise<JournalEntry[]> {
  const entries = await prepareJournal(db, inputs, options);
  await writeTogether(db, journalInserts(entries, inputs));
  return entries;
}

/** The entries that touched units `range` of an issuance after `after`, oldest first, at most `limit`. */
export async function entriesTouching(
  db: Db,
  range: { issuanceId: bigint } & Range,
  after: bigint,
  limit: number,
): Promise<Row[]> {
  return rows(
    db,
    sql`SELECT ${JOURNAL_COLUMNS} FROM journal j
        WHERE j.seq IN (SELECT DISTINCT jr.seq FROM journal_ranges jr
                        WHERE jr.issuance_id = ${range.issuanceId}
                          AND jr.serials && int8range(${range.start}, ${range.end}, '[]')
                          AND jr.seq > ${after}
                        ORDER BY jr.seq LIMIT ${limit})
        ORDER BY j.seq`,
  );
}
