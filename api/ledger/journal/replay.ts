import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { big, rows } from "../../../db/values.js";
import {
  type AuthorizationTerms,
  type FirstTransferDefinition,
  firstTransferAtAuthorization,
  type OimpPurpose,
  type Purpose,
} from "../core/authorization.js";
import { formatIssuanceId, type IssuanceId, issuanceIdOf, parseIssuanceId } from "../core/ids.js";
import { normalize, type Range } from "../core/ranges.js";
import { type ClaimType, decide, type Operation } from "../core/rules.js";
import { freshSegment, planChange, type Segment, sameAttrs } from "../core/segments.js";
import { parseSerials } from "../core/serials.js";
import { segmentFromRow } from "../store/segments.js";
import type { Finding } from "./audit.js";
import { isJournalKind, JOURNAL_COLUMNS, type JournalKind, journalFromRow } from "./journal.js";

/**
 * Rebuilds the state of every unit from the journal alone, through the same rules table as the
 * operations, then compares it with the segment table: the journal is the history, the tables a
 * projection of it, and the two must agree. An entry the rules would have refused is a finding.
 */
interface Issued extends Range {
  id: IssuanceId;
  registry: string;
  hostCountry: string;
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");
const textOrNull = (v: unknown): string | null => (typeof v === "string" ? v : null);

/**
 * What earlier entries said that later ones need: each project's host, each party's NDC-use
 * reports, the terms of each authorization's latest version.
 */
export interface History {
  hosts: Map<string, string>;
  ndcReportsBy: Map<string, Set<string>>;
  authorizations: Map<string, AuthorizationTerms>;
  /** The cooperative approach each authorization names, where it names one. */
  approaches: Map<string, string>;
}

export function emptyHistory(): History {
  return { hosts: new Map(), ndcReportsBy: new Map(), authorizations: new Map(), approaches: new Map() };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
const frameworkKind = (v: unknown): unknown => (typeof v === "object" && v !== null && "kind" in v ? v.kind : null);

/** Records the terms an authorization entry states and returns the operation that puts its units under it. */
function authorizeFrom(history: History, terms: AuthorizationTerms): Operation {
  history.authorizations.set(terms.id, terms);
  return { kind: "authorize", authorizationId: terms.id, firstTransfer: firstTransferAtAuthorization(terms) };
}

/** The operation an entry recorded, `issued` for a new issuance, or `none` for entries that move no unit. */
export function operationOf(
  kind: JournalKind,
  d: Record<string, unknown>,
  actor: string | null,
  history: History,
): Operation | "issued" | "none" {
  switch (kind) {
    case "issuance.created":
      return "issued";
    case "deposit":
      return { kind: "deposit", to: text(d.to) };
    case "withdrawal":
      return { kind: "withdraw", holder: textOrNull(d.from) };
    case "transfer":
      return { kind: "transfer", holder: text(d.from), to: text(d.to) };
    case "claim":
      // A claim with a transaction hash is a retirement seen on chain, of tokenized units.
      return typeof d.txHash === "string"
        ? {
            kind: "retire_token",
            claimant: text(d.claimant),
            claimId: text(d.claimId),
            claimType: d.claimType as ClaimType,
            authorizations: history.authorizations,
          }
        : {
            kind: "claim",
            holder: text(d.claimant),
            claimId: text(d.claimId),
            claimType: d.claimType as ClaimType,
            corsia: frameworkKind(d.framework) === "corsia",
            authorizations: history.authorizations,
          };
    case "government_report.ndc_use": {
      const reports = history.ndcReportsBy.get(text(d.party)) ?? new Set<string>();
      history.ndcReportsBy.set(text(d.party), reports.add(text(d.reportId)));
      return { kind: "ndc_use", party: text(d.party), reportId: text(d.reportId) };
    }
    case "government_report.authorization":
      // Before authorization records, this report stood for one: NDC use and compensation, first transfer at use.
      return authorizeFrom(history, {
        id: `auz_${text(d.reportId).slice(4)}`,
        party: text(d.party),
        purposes: ["ndc", "oimp"],
        oimpPurposes: [],
        authorizedEntities: [],
        firstTransfer: "use_or_cancellation",
      });
    case "authorization.version":
      if (typeof d.cooperativeApproachId === "string") {
        history.approaches.set(text(d.authorizationId), d.cooperativeApproachId);
      }
      return authorizeFrom(history, {
        id: text(d.authorizationId),
        party: text(d.party),
        purposes: strings(d.purposes) as Purpose[],
        oimpPurposes: strings(d.oimpPurposes) as OimpPurpose[],
        authorizedEntities: strings(d.authorizedEntities),
        firstTransfer: textOrNull(d.firstTransfer) as FirstTransferDefinition | null,
      });
    case "authorization.narrowed":
      return { kind: "authorize", authorizationId: null, firstTransfer: false };
    case "government_report.first_transfer":
      return { kind: "first_transfer" };
    case "government_report.cancellation":
      return { kind: "cancel", reportId: text(d.reportId), authorizations: history.authorizations };
    case "government_report.corresponding_adjustment":
      return { kind: "adjust", hostNdcReports: history.ndcReportsBy.get(text(d.party)) ?? new Set() };
    case "tokenization":
      return { kind: "tokenize", holder: actor ?? "", tokenId: text(d.tokenId) };
    case "detokenization":
      return { kind: "burn_token", owner: actor ?? "" };
    case "project.created":
      history.hosts.set(text(d.ref), text(d.hostCountry));
      return "none";
    case "organization.created":
    case "organization.updated":
    case "key.created":
    case "key.revoked":
    case "cooperative_approach.set":
    case "tokenization.confirmed":
      return "none";
  }
}

const PAGE = 10_000;

export async function replayJournal(db: Db): Promise<Finding[]> {
  const findings: Finding[] = [];
  const issued: Issued[] = [];
  const history = emptyHistory();
  const state = new Map<IssuanceId, Segment[]>();
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
      if (!isJournalKind(kind)) {
        findings.push({ rule: "journal", detail: `entry ${seq} is of an unknown kind ${kind.slice(0, 64)}` });
        continue;
      }
      const op = operationOf(kind, details, actor, history);
      if (op === "none") continue;
      if (op === "issued") {
        const r = parseSerials(serials[0] ?? "");
        const id = parseIssuanceId(text(details.issuanceId));
        const hostCountry = history.hosts.get(text(details.projectRef));
        if (id === undefined || hostCountry === undefined) {
          findings.push({ rule: "journal", detail: `entry ${seq} issues units of no project or under no issuance id` });
          continue;
        }
        issued.push({ id, registry: r.registry, start: r.start, end: r.end, hostCountry });
        state.set(id, [freshSegment(r)]);
        continue;
      }
      const byIssuance = new Map<Issued, Range[]>();
      for (const s of serials) {
        const found = locate(s);
        if (!found) {
          findings.push({ rule: "journal", detail: `entry ${seq} names ${s}, which no earlier entry issued` });
          continue;
        }
        byIssuance.set(found.issuance, [...(byIssuance.get(found.issuance) ?? []), found.range]);
      }
      for (const [issuance, ranges] of byIssuance) {
        const plan = planChange(state.get(issuance.id) ?? [], normalize(ranges), (u) =>
          decide(u, op, issuance.hostCountry),
        );
        if (plan.conflicts.length > 0) {
          const codes = [...new Set(plan.conflicts.map((c) => c.reason))].join(", ");
          findings.push({ rule: "replay", detail: `entry ${seq} (${kind}) breaks the rules: ${codes}` });
          continue;
        }
        state.set(issuance.id, plan.next);
      }
    }
    if (page.length < PAGE) break;
  }
  const stored = await rows(
    db,
    sql`SELECT s.issuance_id::text AS iss, s.id::text AS id, lower(s.serials)::text AS lo, (upper(s.serials) - 1)::text AS hi,
               s.state, s.holder, s.claim_id, s.report_id, s.token_id, s.authorization_id, s.first_transferred,
               s.corresponding_adjustment
        FROM segments s ORDER BY s.issuance_id, lower(s.serials)`,
  );
  const tables = new Map<IssuanceId, Segment[]>();
  for (const r of stored) {
    const id = issuanceIdOf(big(r.iss));
    tables.set(id, [...(tables.get(id) ?? []), segmentFromRow(r)]);
  }
  for (const [id, replayed] of state) {
    const actual = tables.get(id) ?? [];
    const agree =
      replayed.length === actual.length &&
      replayed.every((s, i) => {
        const a = actual[i];
        return a !== undefined && a.start === s.start && a.end === s.end && sameAttrs(a, s);
      });
    if (!agree)
      findings.push({
        rule: "replay",
        detail: `issuance ${formatIssuanceId(id)}: the segments differ from a replay of the journal`,
      });
  }
  for (const id of tables.keys()) {
    if (!state.has(id))
      findings.push({
        rule: "replay",
        detail: `issuance ${formatIssuanceId(id)} has segments but no issuance.created entry`,
      });
  }
  return findings;
}
