import { type SQL, sql } from "drizzle-orm";
import { arrayParam } from "../../../db/values.js";
import { canonicalJson } from "./canonical-json.js";
import { eventMatch, eventTypeOf } from "./events.js";
import type { JournalEntry, JournalRange } from "./journal.js";

/** How long a delivery that keeps failing is retried before its webhook is disabled. */
export const RETRY_FOR = sql.raw("interval '24 hours'");

/**
 * The webhook outbox, filled where the journal is written: the statement that enqueues, for every
 * active webhook that asked for them, the events among `entries`. It runs in the entries' own
 * transaction, so an event is queued exactly when it is recorded and never for a write that rolled
 * back. It is written together with the entries (one statement, which cannot read the rows it
 * writes), so it matches webhooks against the entries as given, not as stored. One delivery per
 * webhook and event (its id says which).
 */
export function outboxInsert(
  entries: readonly JournalEntry[],
  ranges: readonly (JournalRange & { seq: bigint })[],
): SQL {
  const terms = {
    types: sql`w.types`,
    registry: sql`w.registry`,
    hostCountry: sql`w.host_country`,
    projectRef: sql`w.project_ref`,
  };
  const issuances = sql`SELECT r.iss FROM unnest(${arrayParam(
    ranges.map((r) => r.seq),
    "int8",
  )}, ${arrayParam(
    ranges.map((r) => r.issuanceId),
    "int8",
  )}) AS r(seq, iss) WHERE r.seq = j.seq`;
  const now = sql`${(entries[0] as JournalEntry).at.toISOString()}::timestamptz`;
  return sql`INSERT INTO webhook_deliveries (id, webhook_id, event_seq, event_type, status, attempts, next_attempt_at,
                                             retry_until, created_at)
    SELECT 'dlv_' || substr(w.id, 5) || '_' || j.seq, w.id, j.seq, ${eventTypeOf}, 'pending', 0, ${now},
           ${now} + ${RETRY_FOR}, ${now}
    FROM unnest(${arrayParam(
      entries.map((e) => e.seq),
      "int8",
    )}, ${arrayParam(
      entries.map((e) => e.kind),
      "text",
    )}, ${arrayParam(
      entries.map((e) => canonicalJson(e.details)),
      "jsonb",
    )}) AS j(seq, kind, details)
    JOIN webhooks w ON w.status = 'active'
    WHERE ${eventMatch(terms, issuances)}`;
}
