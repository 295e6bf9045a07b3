import { type SQL, sql } from "drizzle-orm";
import type { JournalEntry, JournalKind } from "./journal.js";

/**
 * The journal as typed events, for registries and integrators that must hear of every change: the
 * feed (`read/events.ts`) and webhooks (`outbox.ts`) speak this one vocabulary. An event is a
 * journal entry; its `seq` is the entry's number. Entries about organizations and API keys are not
 * events.
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

/** The event types by journal kind, as a table SQL can join: `et(kind, type)`. */
const EVENT_TABLE = sql.raw(
  `(VALUES ${Object.entries(EVENT_TYPES)
    .map(([kind, type]) => `('${kind}', '${type}')`)
    .join(", ")}) AS et(kind, type)`,
);

/**
 * Which journal entries (alias `j`, with `kind` and `details`) are events a subscriber asked for,
 * as SQL: the same rule for the feed (the terms are the request's parameters, the entries the
 * journal's rows) and for webhooks (the terms are a webhook's columns, the entries those being
 * written). `issuances`: a query of the issuance ids an entry touches. `types` empty: every type;
 * a null filter: no filter.
 */
export interface EventTerms {
  types: SQL;
  registry: SQL;
  hostCountry: SQL;
  projectRef: SQL;
}

export function eventMatch(m: EventTerms, issuances: SQL): SQL {
  const ranges = sql`FROM issuances i WHERE i.id IN (${issuances})`;
  return sql`EXISTS (SELECT 1 FROM ${EVENT_TABLE} WHERE et.kind = j.kind AND (cardinality(${m.types}) = 0 OR et.type = ANY(${m.types})))
    AND (${m.registry} IS NULL OR EXISTS (SELECT 1 ${ranges} AND i.registry = ${m.registry}))
    AND (${m.projectRef} IS NULL OR EXISTS (SELECT 1 ${ranges} AND i.project_ref = ${m.projectRef})
         OR (j.kind = 'project.created' AND j.details->>'ref' = ${m.projectRef}))
    AND (${m.hostCountry} IS NULL
         OR EXISTS (SELECT 1 ${ranges} AND i.project_ref IN (SELECT ref FROM projects WHERE host_country = ${m.hostCountry}))
         OR (j.kind IN ('project.created', 'cooperative_approach.set')
             AND coalesce(j.details->>'hostCountry', j.details->>'partner') = ${m.hostCountry}))`;
}

/** The type of an entry (alias `j`) in SQL, for rows that are events. */
export const eventTypeOf = sql`(SELECT et.type FROM ${EVENT_TABLE} WHERE et.kind = j.kind)`;
