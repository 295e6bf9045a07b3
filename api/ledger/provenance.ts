import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { rows } from "../../db/values.js";
import { JOURNAL_COLUMNS, journalFromRow } from "./journal.js";
import { resolutionError, resolveEach } from "./resolve.js";
import { formatSerials } from "./serials.js";

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

/** Every journal entry that touched any unit of the range, oldest first. */
export async function provenanceOf(
  db: Db,
  input: string,
  page: { limit: number; cursor?: bigint | undefined },
): Promise<{ serials: string; events: ProvenanceEvent[]; nextCursor: string | null }> {
  const [r] = await resolveEach(db, [input]);
  if (!r || "error" in r) throw resolutionError(input, r);
  const range = r.ok;
  const found = await rows(
    db,
    sql`SELECT ${JOURNAL_COLUMNS} FROM journal j
        WHERE j.seq IN (SELECT jr.seq FROM journal_ranges jr
                        WHERE jr.issuance_id = ${range.issuanceId}
                          AND jr.serials && int8range(${range.start}, ${range.end}, '[]'))
          AND j.seq > ${page.cursor ?? 0n}
        ORDER BY j.seq LIMIT ${page.limit + 1}`,
  );
  const events = found
    .slice(0, page.limit)
    .map(journalFromRow)
    .map((e) => ({ ...e, seq: Number(e.seq), at: e.at.toISOString() }));
  return {
    serials: formatSerials(range),
    events,
    nextCursor: found.length > page.limit ? String(events.at(-1)?.seq) : null,
  };
}
