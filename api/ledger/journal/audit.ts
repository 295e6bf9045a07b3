import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, rows, str } from "../../../db/values.js";
import { formatIssuanceId } from "../core/ids.js";
import { TERMINAL_STATES } from "../core/segments.js";
import { entryHash, GENESIS_HASH, JOURNAL_COLUMNS, journalFromRow } from "./journal.js";
import { replayJournal } from "./replay.js";

/**
 * Executable invariants (after regen-ledger's invariants.go): run after tests and by operators.
 * Each finding is one broken rule; an empty list means the ledger is consistent.
 */
export interface Finding {
  rule: "coverage" | "uses" | "journal" | "quantities" | "replay";
  detail: string;
}

async function coverage(db: Db): Promise<Finding[]> {
  const found = await rows(
    db,
    sql`WITH s AS (
          SELECT issuance_id, lower(serials) AS lo, upper(serials) AS hi,
                 lag(upper(serials)) OVER (PARTITION BY issuance_id ORDER BY lower(serials)) AS prev_hi
          FROM segments),
        per AS (
          SELECT issuance_id, sum(hi - lo) AS units, min(lo) AS lo, max(hi) AS hi,
                 count(*) FILTER (WHERE prev_hi IS NOT NULL AND prev_hi <> lo) AS breaks
          FROM s GROUP BY issuance_id)
        SELECT i.id::text AS id FROM issuances i LEFT JOIN per ON per.issuance_id = i.id
        WHERE per.issuance_id IS NULL OR per.breaks > 0 OR per.lo <> lower(i.serials) OR per.hi <> upper(i.serials)
           OR per.units <> upper(i.serials) - lower(i.serials)`,
  );
  return found.map((r) => ({
    rule: "coverage",
    detail: `segments do not cover issuance ${formatIssuanceId(big(r.id))} exactly`,
  }));
}

async function uses(db: Db): Promise<Finding[]> {
  const terminal = arrayParam(TERMINAL_STATES, "text");
  const mismatched = await rows(
    db,
    sql`SELECT DISTINCT u.issuance_id::text AS iss, coalesce(u.claim_id, u.report_id) AS use_id
        FROM use_ranges u JOIN segments s ON s.issuance_id = u.issuance_id AND s.serials && u.serials
        WHERE s.state <> ALL(${terminal})
           OR coalesce(s.claim_id, s.report_id) IS DISTINCT FROM coalesce(u.claim_id, u.report_id)`,
  );
  const sums = await rows(
    db,
    sql`WITH a AS (SELECT issuance_id, coalesce(claim_id, report_id) AS use_id, sum(upper(serials) - lower(serials)) AS q
                   FROM segments WHERE state = ANY(${terminal}) GROUP BY 1, 2),
             b AS (SELECT issuance_id, coalesce(claim_id, report_id) AS use_id, sum(upper(serials) - lower(serials)) AS q
                   FROM use_ranges GROUP BY 1, 2)
        SELECT coalesce(a.issuance_id, b.issuance_id)::text AS iss, coalesce(a.use_id, b.use_id) AS use_id
        FROM a FULL JOIN b ON a.issuance_id = b.issuance_id AND a.use_id = b.use_id
        WHERE a.q IS DISTINCT FROM b.q`,
  );
  return [...mismatched, ...sums].map((r) => ({
    rule: "uses",
    detail: `segments and terminal uses disagree on ${str(r.use_id)} in issuance ${formatIssuanceId(big(r.iss))}`,
  }));
}

async function quantities(db: Db): Promise<Finding[]> {
  const found = await rows(
    db,
    sql`SELECT c.id FROM claims c
        LEFT JOIN (SELECT claim_id, sum(upper(serials) - lower(serials)) AS q FROM use_ranges GROUP BY claim_id) u
          ON u.claim_id = c.id
        WHERE u.q IS DISTINCT FROM c.quantity
        UNION ALL
        SELECT r.id FROM government_reports r
        LEFT JOIN (SELECT report_id, sum(upper(serials) - lower(serials)) AS q FROM use_ranges GROUP BY report_id) u
          ON u.report_id = r.id
        WHERE r.kind = 'ndc_use' AND u.q IS DISTINCT FROM r.quantity`,
  );
  return found.map((r) => ({ rule: "quantities", detail: `${str(r.id)}: quantity differs from its recorded units` }));
}

const PAGE = 10_000;

/** Recomputes every entry's hash and checks each chain's links. */
export async function verifyJournal(db: Db): Promise<Finding[]> {
  const findings: Finding[] = [];
  const heads = new Map<string, string>();
  let after = 0n;
  for (;;) {
    const page = await rows(
      db,
      sql`SELECT ${JOURNAL_COLUMNS} FROM journal j WHERE j.seq > ${after} ORDER BY j.seq LIMIT ${PAGE}`,
    );
    for (const e of page.map(journalFromRow)) {
      if (e.prevHash !== (heads.get(e.chain) ?? GENESIS_HASH)) {
        findings.push({ rule: "journal", detail: `entry ${e.seq} does not link to its chain ${e.chain}` });
      }
      if (entryHash(e) !== e.hash) findings.push({ rule: "journal", detail: `entry ${e.seq} does not match its hash` });
      heads.set(e.chain, e.hash);
      after = e.seq;
    }
    if (page.length < PAGE) return findings;
  }
}

export async function auditLedger(db: Db): Promise<Finding[]> {
  return [
    ...(await coverage(db)),
    ...(await uses(db)),
    ...(await quantities(db)),
    ...(await verifyJournal(db)),
    ...(await replayJournal(db)),
  ];
}
