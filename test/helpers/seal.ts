import { sql } from "drizzle-orm";
import { type JournalRoot, sealJournal } from "../../api/ledger/journal/seal.js";
import type { Deps } from "../../api/ledger/ops/deps.js";
import { big, rows } from "../../db/values.js";

/**
 * Runs the sealer, as the background task would, until every entry written so far is sealed. On
 * a PostgreSQL server shared with other test files, a transaction running in another database
 * holds the horizon back for as long as it runs; each attempt is one round trip.
 */
export async function sealEverything(deps: Pick<Deps, "db" | "clock">): Promise<JournalRoot[]> {
  const [last] = await rows(deps.db, sql`SELECT coalesce(max(seq), 0)::text AS seq FROM journal`);
  const target = big(last?.seq ?? 0);
  const roots: JournalRoot[] = [];
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const [sealed] = await rows(deps.db, sql`SELECT coalesce(max(to_seq), 0)::text AS seq FROM journal_roots`);
    if (big(sealed?.seq ?? 0) >= target) return roots;
    const root = await sealJournal(deps);
    if (root) roots.push(root);
  }
  throw new Error(`the journal was not sealed up to ${target}`);
}
