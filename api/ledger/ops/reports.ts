import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, rows, str } from "../../../db/values.js";
import { Forbidden } from "../core/errors.js";
import type { Operation } from "../core/rules.js";
import { appendJournal } from "../journal/journal.js";
import { formatTargets, type IssuanceTargets } from "../store/resolve.js";
import { insertUseRanges } from "../store/segments.js";
import { transact } from "../store/transact.js";
import { type Actor, type Deps, newId } from "./deps.js";
import { lockSelection, quantityOfGroups, unitEntry } from "./selection.js";
import { transitionLocked } from "./transition.js";

export type ReportKind = "ndc_use" | "authorization" | "corresponding_adjustment";

export interface ReportParams {
  kind: ReportKind;
  year: number;
  serials: string[];
  reference: string;
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
}

/** JCM is bilateral: Japan and the host country are the parties of every project. */
export const JCM_ACQUIRING_PARTY = "JP";

function partyMayReport(kind: ReportKind, party: string, g: IssuanceTargets): boolean {
  if (kind === "corresponding_adjustment") return party === g.hostCountry;
  return party === g.hostCountry || party === JCM_ACQUIRING_PARTY;
}

/** Reports of `party` that used any of the target units toward its NDC. */
async function ndcUsesOf(tx: Db, groups: readonly IssuanceTargets[], party: string): Promise<Set<string>> {
  const ranges = groups.flatMap((g) => g.ranges.map((r) => ({ issuanceId: g.issuanceId, ...r })));
  const found = await rows(
    tx,
    sql`SELECT DISTINCT s.report_id FROM unnest(${arrayParam(
      ranges.map((r) => r.issuanceId),
      "int8",
    )}, ${arrayParam(
      ranges.map((r) => r.start),
      "int8",
    )}, ${arrayParam(
      ranges.map((r) => r.end),
      "int8",
    )}) AS t(iss, s, e)
        JOIN segments s ON s.issuance_id = t.iss AND s.serials && int8range(t.s, t.e, '[]')
        JOIN government_reports r ON r.id = s.report_id
        WHERE s.state = 'government_used' AND r.party = ${party}`,
  );
  return new Set(found.map((r) => str(r.report_id)));
}

/** The rule a report applies to its units. */
function operationOf(
  kind: ReportKind,
  reportId: string,
  party: string,
  hostNdcReports: ReadonlySet<string>,
): Operation {
  switch (kind) {
    case "ndc_use":
      return { kind: "ndc_use", party, reportId };
    case "authorization":
      return { kind: "authorize" };
    case "corresponding_adjustment":
      return { kind: "adjust", hostNdcReports };
  }
}

/** A government's report on units: NDC use (terminal), or an attribute that decides claim types. */
export async function createGovernmentReport(deps: Deps, actor: Actor, p: ReportParams): Promise<GovernmentReport> {
  const party = actor.country;
  if (!party) throw new Forbidden("A government organization needs a country to report as a party");
  const at = deps.clock();
  const id = newId(deps, "rpt");
  return transact(deps.db, async (tx) => {
    const groups = await lockSelection(tx, { serials: p.serials }, actor.id);
    const foreign = groups.filter((g) => !partyMayReport(p.kind, party, g));
    if (foreign.length > 0) {
      const who = p.kind === "corresponding_adjustment" ? "the host country" : "Japan or the host country";
      throw new Forbidden(
        `Only ${who} may report ${p.kind} on units of ${[...new Set(foreign.map((g) => g.project))].join(", ")}; ${party} is not`,
      );
    }
    const ownNdcUses = p.kind === "corresponding_adjustment" ? await ndcUsesOf(tx, groups, party) : new Set<string>();
    await transitionLocked(tx, groups, operationOf(p.kind, id, party, ownNdcUses));
    if (p.kind === "ndc_use") {
      await insertUseRanges(
        tx,
        groups.flatMap((g) => g.ranges.map((r) => ({ issuanceId: g.issuanceId, ...r }))),
        { reportId: id },
      );
    }
    const quantity = quantityOfGroups(groups);
    const details = { reportId: id, party, kind: p.kind, year: p.year, reference: p.reference, quantity };
    const [entry] = await appendJournal(tx, [
      unitEntry(groups, { kind: `government_report.${p.kind}`, actor: actor.id, at, details }),
    ]);
    const serials = formatTargets(groups);
    await tx.execute(sql`
      INSERT INTO government_reports (id, organization_id, party, kind, year, reference, serials, quantity, journal_seq, created_at)
      VALUES (${id}, ${actor.id}, ${party}, ${p.kind}, ${p.year}, ${p.reference}, ${arrayParam(serials, "text")},
              ${quantity}, ${entry?.seq ?? 0n}, ${at.toISOString()})`);
    return {
      id,
      party,
      kind: p.kind,
      year: p.year,
      serials,
      quantity,
      reference: p.reference,
      journalSeq: Number(entry?.seq ?? 0n),
      createdAt: at.toISOString(),
    };
  });
}
