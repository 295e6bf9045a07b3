import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, rows } from "../../../db/values.js";
import { JOURNAL_COLUMNS, type JournalEntry, type JournalKind, journalFromRow } from "../journal/journal.js";

/**
 * The journal as a public feed of typed events, for registries and integrators that must hear of
 * every change. An event is a journal entry; its `seq` is the entry's number and the feed's cursor.
 * The feed shows sealed entries only: numbers are drawn before their transactions commit, so a
 * cursor past an entry still being written would skip it for good, while every number a root
 * covers is final (`journal/seal.ts`). Entries about organizations and API keys are not events.
 */
export const EVENT_TYPES = {
  "project.created": "project.created",
  "issuance.created": "issuance.created",
  deposit: "deposit.created",
  withdrawal: "withdrawal.created",
  transfer: "transfer.created",
  claim: "claim.created",
  "government_report.ndc_use": "government_report.ndc_use",
  "government_report.authorization": "government_report.authorization",
  "government_report.corresponding_adjustment": "government_report.corresponding_adjustment",
  "government_report.first_transfer": "government_report.first_transfer",
  "government_report.cancellation": "government_report.cancellation",
  "cooperative_approach.set": "cooperative_approach.set",
  "authorization.version": "authorization.versioned",
  "authorization.narrowed": "authorization.narrowed",
  tokenization: "tokenization.created",
  "tokenization.confirmed": "tokenization.confirmed",
  detokenization: "tokenization.detokenized",
} as const satisfies Partial<Record<JournalKind, string>>;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];
export const EVENT_TYPE_NAMES = Object.values(EVENT_TYPES) as EventType[];
const KIND_OF = new Map(Object.entries(EVENT_TYPES).map(([kind, type]) => [type as EventType, kind]));

export interface LedgerEvent {
  /** Unique and stable: the same event always has the same id, in the feed and in every webhook delivery. */
  id: string;
  type: EventType;
  seq: number;
  at: string;
  serials: string[];
  hash: string;
  prevHash: string;
  /** What the journal entry says: the ids (claim, report, issuance, organizations) and the facts. */
  data: Record<string, unknown>;
}

export interface EventFilter {
  types?: readonly EventType[] | undefined;
  registry?: string | undefined;
  hostCountry?: string | undefined;
  projectRef?: string | undefined;
}

/** An answer looks at no more than this many journal numbers, matching or not: a narrow filter pages on. */
export const EVENTS_SCAN = 10_000;

export const eventId = (seq: bigint | number) => `evt_${seq}`;

export function eventOf(e: JournalEntry): LedgerEvent | undefined {
  const type = (EVENT_TYPES as Record<string, EventType | undefined>)[e.kind];
  if (type === undefined) return undefined;
  return {
    id: eventId(e.seq),
    type,
    seq: Number(e.seq),
    at: e.at.toISOString(),
    serials: e.serials,
    hash: e.hash,
    prevHash: e.prevHash,
    data: e.details,
  };
}

/** The entries (alias `j`) an event filter lets through, as SQL: one statement for the feed and for webhooks. */
export function eventConditions(f: EventFilter) {
  const kinds = (f.types?.length ? f.types : EVENT_TYPE_NAMES).map((t) => KIND_OF.get(t) as string);
  const ranges = sql`FROM journal_ranges jr JOIN issuances i ON i.id = jr.issuance_id WHERE jr.seq = j.seq`;
  const conditions = [sql`j.kind = ANY(${arrayParam(kinds, "text")})`];
  if (f.registry) conditions.push(sql`EXISTS (SELECT 1 ${ranges} AND i.registry = ${f.registry})`);
  if (f.projectRef) {
    conditions.push(sql`(EXISTS (SELECT 1 ${ranges} AND i.project_ref = ${f.projectRef})
      OR (j.kind = 'project.created' AND j.details->>'ref' = ${f.projectRef}))`);
  }
  if (f.hostCountry) {
    conditions.push(sql`(EXISTS (SELECT 1 ${ranges} AND i.project_ref IN (SELECT ref FROM projects WHERE host_country = ${f.hostCountry}))
      OR (j.kind IN ('project.created', 'cooperative_approach.set')
          AND coalesce(j.details->>'hostCountry', j.details->>'partner') = ${f.hostCountry}))`);
  }
  return sql.join(conditions, sql` AND `);
}

/** The last journal number the roots cover: every entry up to it is final (roots tile the journal in order). */
export async function sealedThrough(db: Db): Promise<bigint> {
  const [last] = await rows(db, sql`SELECT to_seq::text AS seq FROM journal_roots ORDER BY id DESC LIMIT 1`);
  return last ? big(last.seq) : 0n;
}

/**
 * Events after `after`, oldest first, up to `limit`, among the sealed entries. `nextCursor` is where
 * to continue (the last event given, or the last number looked at); `caughtUp` says the feed has
 * nothing more that is final yet.
 */
export async function eventsAfter(
  db: Db,
  after: bigint,
  f: EventFilter,
  limit: number,
): Promise<{ data: LedgerEvent[]; nextCursor: string; caughtUp: boolean }> {
  const final = await sealedThrough(db);
  const until = final < after + BigInt(EVENTS_SCAN) ? final : after + BigInt(EVENTS_SCAN);
  if (until <= after) return { data: [], nextCursor: String(after), caughtUp: true };
  const found = await rows(
    db,
    sql`SELECT ${JOURNAL_COLUMNS} FROM journal j
        WHERE j.seq > ${after} AND j.seq <= ${until} AND ${eventConditions(f)}
        ORDER BY j.seq LIMIT ${limit}`,
  );
  const data = found.map(journalFromRow).flatMap((e) => eventOf(e) ?? []);
  const last = found.length === limit ? BigInt(data.at(-1)?.seq ?? until) : until;
  return { data, nextCursor: String(last), caughtUp: last >= final };
}
