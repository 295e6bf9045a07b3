import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, rows } from "../../../db/values.js";
import { type EventType, eventMatch, eventOf, type LedgerEvent } from "../journal/events.js";
import { JOURNAL_COLUMNS, journalFromRow } from "../journal/journal.js";

/**
 * The event feed: events after a cursor, sealed entries only. Numbers are drawn before their
 * transactions commit, so a cursor past an entry still being written would skip it for good, while
 * every number a root covers is final (`journal/seal.ts`).
 */
export interface EventFilter {
  types?: readonly EventType[] | undefined;
  registry?: string | undefined;
  hostCountry?: string | undefined;
  projectRef?: string | undefined;
}

/** An answer looks at no more than this many journal numbers, matching or not: a narrow filter pages on. */
export const EVENTS_SCAN = 10_000;

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
  const match = eventMatch(
    {
      types: arrayParam(f.types ?? [], "text"),
      registry: sql`${f.registry ?? null}::text`,
      hostCountry: sql`${f.hostCountry ?? null}::text`,
      projectRef: sql`${f.projectRef ?? null}::text`,
    },
    sql`SELECT jr.issuance_id FROM journal_ranges jr WHERE jr.seq = j.seq`,
  );
  const found = await rows(
    db,
    sql`SELECT ${JOURNAL_COLUMNS} FROM journal j
        WHERE j.seq > ${after} AND j.seq <= ${until} AND ${match}
        ORDER BY j.seq LIMIT ${limit}`,
  );
  const data = found.map(journalFromRow).flatMap((e) => eventOf(e) ?? []);
  const last = found.length === limit ? BigInt(data.at(-1)?.seq ?? until) : until;
  return { data, nextCursor: String(last), caughtUp: last >= final };
}
