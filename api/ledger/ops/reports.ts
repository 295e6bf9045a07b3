import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, rows, str } from "../../../db/values.js";
import {
  type AuthorizationsById,
  CONSISTENCY_FINDINGS,
  type ConsistencyFinding,
  JCM_ACQUIRING_PARTY,
  ndcUseFindings,
} from "../core/authorization.js";
import { Forbidden, InvalidRequest } from "../core/errors.js";
import type { Operation } from "../core/rules.js";
import { appendJournal } from "../journal/journal.js";
import { authorizationsOver } from "../store/authorizations.js";
import { formatTargets, type IssuanceTargets } from "../store/resolve.js";
import { insertUseRanges, rangesTable, targetRanges } from "../store/segments.js";
import { transact } from "../store/transact.js";
import { requireParties, writeAuthorization } from "./authorizations.js";
import { type Actor, type Deps, newId } from "./deps.js";
import { lockSelection, quantityOfGroups, unitEntry } from "./selection.js";
import { itmoTrace, transitionLocked } from "./transition.js";

export const REPORT_KINDS = [
  "ndc_use",
  "authorization",
  "corresponding_adjustment",
  "first_transfer",
  "cancellation",
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export type CancellationPurpose = "voluntary" | "omge";

export interface ReportParams {
  kind: ReportKind;
  year: number;
  serials: string[];
  reference: string;
  /** `first_transfer`: the Party the units go to (Japan, for the JCM). */
  acquiringParty?: string | undefined;
  /** `cancellation`: voluntary, or for overall mitigation in global emissions. */
  purpose?: CancellationPurpose | undefined;
}

export interface GovernmentReport {
  id: string;
  party: string;
  kind: ReportKind;
  year: number;
  serials: string[];
  quantity: number;
  reference: string;
  journalSeq: number;
  createdAt: string;
  acquiringParty?: string;
  purpose?: CancellationPurpose;
  /** `authorization`: the authorization record the report made. */
  authorizationId?: string;
  /** `ndc_use` by an acquiring Party: what the UNFCCC's consistency checks would find missing. */
  consistency?: ConsistencyFinding[];
}

/** Reports of `party` that used any of the target units toward its NDC. */
async function ndcUsesOf(tx: Db, groups: readonly IssuanceTargets[], party: string): Promise<Set<string>> {
  const found = await rows(
    tx,
    sql`SELECT DISTINCT s.report_id FROM ${rangesTable(targetRanges(groups), "t")}
        JOIN segments s ON s.issuance_id = t.iss AND s.serials && int8range(t.s, t.e, '[]')
        JOIN government_reports r ON r.id = s.report_id
        WHERE s.state = 'government_used' AND r.party = ${party}`,
  );
  return new Set(found.map((r) => str(r.report_id)));
}

function requireKindFields(p: ReportParams): void {
  const errors: { path: string; message: string }[] = [];
  if (p.kind === "first_transfer" && p.acquiringParty !== JCM_ACQUIRING_PARTY) {
    errors.push({ path: "acquiringParty", message: `a first transfer of JCM units goes to ${JCM_ACQUIRING_PARTY}` });
  }
  if (p.kind !== "first_transfer" && p.acquiringParty !== undefined) {
    errors.push({ path: "acquiringParty", message: "only a first transfer names an acquiring Party" });
  }
  if (p.kind === "cancellation" && p.purpose === undefined) {
    errors.push({ path: "purpose", message: "a cancellation is voluntary or for OMGE" });
  }
  if (p.kind !== "cancellation" && p.purpose !== undefined) {
    errors.push({ path: "purpose", message: "only a cancellation has a purpose" });
  }
  if (errors.length > 0) throw new InvalidRequest(errors);
}

/** The reference an authorization made by a report takes: its own, unless the Party used it already. */
async function freeReference(tx: Db, party: string, reference: string, reportId: string): Promise<string> {
  const [taken] = await rows(tx, sql`SELECT 1 FROM authorizations WHERE party = ${party} AND reference = ${reference}`);
  return taken ? `${reference} [${reportId}]` : reference;
}

/**
 * A government's report on units: NDC use and cancellation (terminal), an authorization (made an
 * authorization record for NDC use and voluntary compensation), a first transfer, or a
 * corresponding adjustment.
 */
export async function createGovernmentReport(deps: Deps, actor: Actor, p: ReportParams): Promise<GovernmentReport> {
  const party = actor.country;
  if (!party) throw new Forbidden("A government organization needs a country to report as a party");
  requireKindFields(p);
  const ctx: ReportContext = { deps, actor, party, at: deps.clock(), id: newId(deps, "rpt") };
  return transact(deps.db, async (tx) => {
    const { written, extra } =
      p.kind === "authorization" ? await authorizationReport(tx, ctx, p) : await unitReport(tx, ctx, p, p.kind);
    await tx.execute(sql`
      INSERT INTO government_reports (id, organization_id, party, kind, year, reference, serials, quantity, details,
                                      journal_seq, created_at)
      VALUES (${ctx.id}, ${actor.id}, ${party}, ${p.kind}, ${p.year}, ${p.reference}, ${arrayParam(written.serials, "text")},
              ${written.quantity}, ${JSON.stringify(extra)}::jsonb, ${written.journalSeq}, ${ctx.at.toISOString()})`);
    return {
      id: ctx.id,
      party,
      kind: p.kind,
      year: p.year,
      serials: written.serials,
      quantity: written.quantity,
      reference: p.reference,
      journalSeq: Number(written.journalSeq),
      createdAt: ctx.at.toISOString(),
      ...extra,
    };
  });
}

interface ReportContext {
  deps: Deps;
  actor: Actor;
  party: string;
  at: Date;
  /** The report's id. */
  id: string;
}

type ReportExtra = Pick<GovernmentReport, "acquiringParty" | "purpose" | "authorizationId" | "consistency">;

interface ReportWrites {
  written: { serials: string[]; quantity: number; journalSeq: bigint };
  extra: ReportExtra;
}

/** The old kind `authorization`: an authorization record for NDC use and voluntary compensation, first transfer at use. */
async function authorizationReport(tx: Db, ctx: ReportContext, p: ReportParams): Promise<ReportWrites> {
  const authorizationId = `auz_${ctx.id.slice(4)}`;
  const written = await writeAuthorization(
    tx,
    ctx,
    {
      reference: await freeReference(tx, ctx.party, p.reference, ctx.id),
      date: ctx.at.toISOString().slice(0, 10),
      purposes: ["ndc", "oimp"],
      oimpPurposes: ["voluntary"],
      firstTransfer: "use_or_cancellation",
      serials: p.serials,
    },
    { id: authorizationId, details: { reportId: ctx.id, year: p.year } },
  );
  return { written, extra: { authorizationId } };
}

/** Every other kind: a transition of the units through the rules table, and its journal entry. */
async function unitReport(
  tx: Db,
  ctx: ReportContext,
  p: ReportParams,
  kind: Exclude<ReportKind, "authorization">,
): Promise<ReportWrites> {
  const { party, id } = ctx;
  const groups = await lockSelection(tx, { serials: p.serials }, ctx.actor.id);
  requireParties(party, groups, kind, kind === "corresponding_adjustment" || kind === "first_transfer");
  const authorizations =
    kind === "ndc_use" || kind === "cancellation" ? await authorizationsOver(tx, groups) : new Map();
  const op = await operationOf(tx, kind, id, party, groups, authorizations);
  const byAcquiringParty = kind === "ndc_use" && party === JCM_ACQUIRING_PARTY;
  const findings = new Set<ConsistencyFinding>();
  const moved = await transitionLocked(tx, groups, op, (u) => {
    if (byAcquiringParty) for (const f of ndcUseFindings(u, authorizations)) findings.add(f);
  });
  if (kind === "ndc_use" || kind === "cancellation") {
    await insertUseRanges(tx, targetRanges(groups), { reportId: id });
  }
  const extra: ReportExtra = {
    ...(p.acquiringParty ? { acquiringParty: p.acquiringParty } : {}),
    ...(p.purpose ? { purpose: p.purpose } : {}),
    ...(byAcquiringParty ? { consistency: CONSISTENCY_FINDINGS.filter((f) => findings.has(f)) } : {}),
  };
  const quantity = quantityOfGroups(groups);
  const itmos = itmoTrace(moved);
  const details = {
    reportId: id,
    party,
    kind,
    year: p.year,
    reference: p.reference,
    quantity,
    ...extra,
    ...(itmos.length > 0 ? { itmos } : {}),
  };
  const [entry] = await appendJournal(tx, [
    unitEntry(groups, { kind: `government_report.${kind}`, actor: ctx.actor.id, at: ctx.at, details }),
  ]);
  return { written: { serials: formatTargets(groups), quantity, journalSeq: entry?.seq ?? 0n }, extra };
}

/** The rule a report applies to its units. */
async function operationOf(
  tx: Db,
  kind: Exclude<ReportKind, "authorization">,
  reportId: string,
  party: string,
  groups: readonly IssuanceTargets[],
  authorizations: AuthorizationsById,
): Promise<Operation> {
  switch (kind) {
    case "ndc_use":
      return { kind: "ndc_use", party, reportId };
    case "cancellation":
      return { kind: "cancel", reportId, authorizations };
    case "first_transfer":
      return { kind: "first_transfer" };
    case "corresponding_adjustment":
      return { kind: "adjust", hostNdcReports: await ndcUsesOf(tx, groups, party) };
  }
}
