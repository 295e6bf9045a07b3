import type { Db } from "../../../db/client.js";
import { formatSerials } from "../core/serials.js";
import { entriesTouching, journalFromRow } from "../journal/journal.js";
import { resolutionError, resolveEach } from "../store/resolve.js";

export interface ProvenanceEvent {
  seq: number;
  at: string;
  kind: string;
  serials: string[];
  actor: string | null;
  details: Record<string, unknown>;
  chain: string;
  hash: string;
  prevHash: string;
}

/** The bounds of a page of history; see the README's security notes. */
export const PROVENANCE_LIMITS = {
  /** Events in one page (and the most `?limit=` may ask). */
  eventsPerPage: 500,
  /** Serial ranges named by the events of one page, all together: a page ends early rather than exceed it. */
  serialsPerPage: 10_000,
} as const;

/**
 * Every journal entry that touched any unit of the range, oldest first, a page at a time: at most
 * `limit` events, fewer where their serials would exceed `serialsPerPage` (never fewer than one).
 */
export async function provenanceOf(
  db: Db,
  input: string,
  page: { limit: number; cursor?: bigint | undefined },
): Promise<{ serials: string; events: ProvenanceEvent[]; nextCursor: string | null }> {
  const [r] = await resolveEach(db, [input]);
  if (!r || "error" in r) throw resolutionError(input, r);
  const range = r.ok;
  const found = await entriesTouching(db, range, page.cursor ?? 0n, page.limit + 1);
  const events: ProvenanceEvent[] = [];
  let serials = 0;
  for (const row of found.slice(0, page.limit)) {
    const e = journalFromRow(row);
    serials += e.serials.length;
    if (events.length > 0 && serials > PROVENANCE_LIMITS.serialsPerPage) break;
    events.push({ ...e, seq: Number(e.seq), at: e.at.toISOString() });
  }
  return {
    serials: formatSerials(range),
    events,
    nextCursor: found.length > events.length ? String(events.at(-1)?.seq) : null,
  };
}
