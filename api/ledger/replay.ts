import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { big, rows } from "../../db/values.js";
import type { Finding } from "./audit.js";
import { JOURNAL_COLUMNS, journalFromRow } from "./journal.js";
import { normalize, type Range } from "./ranges.js";
import { type Change, freshSegment, planChange, type Segment, sameAttrs, type UnitAttrs } from "./segments.js";
import { parseSerials } from "./serials.js";
import { segmentFromRow } from "./store.js";

/**
 * Rebuilds the state of every unit from the journal alone, then compares it with the segment
 * table: the journal is the history, the tables a projection of it, and the two must agree.
 */
interface Issued extends Range {
  id: bigint;
  registry: string;
}

const text = (v: unknown): string | null => (typeof v === "string" ? v : null);

function changeOf(kind: string, details: Record<string, unknown>, actor: string | null): Change | undefined {
  const set =
    (patch: (u: UnitAttrs) => Partial<UnitAttrs>): Change =>
    (u) => ({ ok: { ...u, ...patch(u) } });
  switch (kind) {
    case "deposit":
    case "transfer":
      return set(() => ({ state: "held", holder: text(details.to) }));
    case "withdrawal":
      return set(() => ({ state: "in_registry", holder: null }));
    case "claim":
      return set(() => ({
        state: "claimed",
        claimId: text(details.claimId),
        holder: text(details.claimant),
        tokenId: null,
      }));
    case "government_report.ndc_use":
      return set(() => ({ state: "government_used", reportId: text(details.reportId), holder: null }));
    case "government_report.authorization":
      return set(() => ({ authorized: true }));
    case "government_report.corresponding_adjustment":
      return set(() => ({ correspondingAdjustment: true }));
    case "tokenization":
      return set(() => ({ state: "tokenized", tokenId: text(details.tokenId) }));
    case "detokenization":
      return set(() => ({ state: "held", tokenId: null, holder: actor }));
    default:
      return undefined;
  }
}

const PAGE = 10_000;

export async function replayJournal(db: Db): Promise<Finding[]> {
  const findings: Finding[] = [];
  const issued: Issued[] = [];
  const state = new Map<bigint, Segment[]>();
  const locate = (serials: string): { issuance: Issued; range: Range } | undefined => {
    const r = parseSerials(serials);
    const issuance = issued.find((i) => i.registry === r.registry && i.start <= r.start && r.end <= i.end);
    return issuance ? { issuance, range: { start: r.start, end: r.end } } : undefined;
  };
  let after = 0n;
  for (;;) {
    const page = await rows(
      db,
      sql`SELECT ${JOURNAL_COLUMNS} FROM journal j WHERE j.seq > ${after} ORDER BY j.seq LIMIT ${PAGE}`,
    );
    for (const { seq, kind, details, serials, actor } of page.map(journalFromRow)) {
      after = seq;
      if (kind === "issuance.created") {
        const r = parseSerials(serials[0] ?? "");
        const id = BigInt(String(details.issuanceId).slice(4));
        issued.push({ id, registry: r.registry, start: r.start, end: r.end });
        state.set(id, [freshSegment(r)]);
        continue;
      }
      const change = changeOf(kind, details, actor);
      if (!change) continue;
      const byIssuance = new Map<bigint, Range[]>();
      for (const s of serials) {
        const found = locate(s);
        if (!found) {
          findings.push({ rule: "journal", detail: `entry ${after} names ${s}, which no earlier entry issued` });
          continue;
        }
        byIssuance.set(found.issuance.id, [...(byIssuance.get(found.issuance.id) ?? []), found.range]);
      }
      for (const [id, ranges] of byIssuance) {
        const plan = planChange(state.get(id) ?? [], normalize(ranges), change);
        state.set(id, plan.next);
      }
    }
    if (page.length < PAGE) break;
  }
  const stored = await rows(
    db,
    sql`SELECT s.issuance_id::text AS iss, s.id::text AS id, lower(s.serials)::text AS lo, (upper(s.serials) - 1)::text AS hi,
               s.state, s.holder, s.claim_id, s.report_id, s.token_id, s.authorized, s.corresponding_adjustment
        FROM segments s ORDER BY s.issuance_id, lower(s.serials)`,
  );
  const tables = new Map<bigint, Segment[]>();
  for (const r of stored) tables.set(big(r.iss), [...(tables.get(big(r.iss)) ?? []), segmentFromRow(r)]);
  for (const [id, replayed] of state) {
    const actual = tables.get(id) ?? [];
    const agree =
      replayed.length === actual.length &&
      replayed.every((s, i) => {
        const a = actual[i];
        return a !== undefined && a.start === s.start && a.end === s.end && sameAttrs(a, s);
      });
    if (!agree)
      findings.push({ rule: "replay", detail: `issuance iss_${id}: the segments differ from a replay of the journal` });
  }
  for (const id of tables.keys()) {
    if (!state.has(id))
      findings.push({ rule: "replay", detail: `issuance iss_${id} has segments but no issuance.created entry` });
  }
  return findings;
}
