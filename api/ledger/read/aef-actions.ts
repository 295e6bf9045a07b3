import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, rows, str } from "../../../db/values.js";
import { JCM_ACQUIRING_PARTY } from "../core/authorization.js";
import { AnswerTooLarge } from "../core/errors.js";
import { subtract } from "../core/ranges.js";
import { formatSerials, parseSerials, quantityOf, type SerialRange } from "../core/serials.js";
import { JOURNAL_COLUMNS, type JournalEntry, journalFromRow } from "../journal/journal.js";
import { approachOf, type Block, type Context, itmoIds, text, yearStart } from "./aef-context.js";
import { type ActionRow, type ActionType, AEF_LIMITS, METRIC, MITIGATION_TYPE } from "./aef-types.js";

/** AEF table 3: a Party's action rows of a year, each derived from the one journal entry that recorded it. */

/** Serial order: registry, project and vintage as text, then the units as numbers (unit 9 before unit 10). */
function bySerial(a: SerialRange, b: SerialRange): number {
  const ident = (r: SerialRange) => `${r.registry}-${r.project}-${r.vintage}`;
  if (ident(a) !== ident(b)) return ident(a) < ident(b) ? -1 : 1;
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}

/** The blocks an entry acted on: its ITMO blocks, and its other units as blocks of no authorization. */
function blocksOf(e: JournalEntry): Block[] {
  const itmos = Array.isArray(e.details.itmos) ? (e.details.itmos as Record<string, unknown>[]) : [];
  const traced = itmos.map((b) => ({
    range: parseSerials(text(b.serials)),
    authorizationId: text(b.authorizationId),
    firstTransfer: b.firstTransfer === true,
  }));
  const rest = e.serials.flatMap((s) => {
    const r = parseSerials(s);
    const covered = traced
      .filter((b) => b.range.registry === r.registry && b.range.project === r.project && b.range.vintage === r.vintage)
      .map((b) => b.range);
    return subtract([r], covered).map((x) => ({ range: { ...r, ...x }, authorizationId: null, firstTransfer: false }));
  });
  return [...traced, ...rest].sort((a, b) => bySerial(a.range, b.range));
}

function actionRow(
  ctx: Context,
  e: JournalEntry,
  b: Block,
  type: ActionType,
  fields: Partial<ActionRow> & { note?: string },
): ActionRow {
  const { note, ...rest } = fields;
  const ids = itmoIds(ctx, b);
  const unit = (n: bigint) => formatSerials({ ...b.range, start: n, end: n });
  return {
    actionDate: e.at.toISOString().slice(0, 10),
    actionType: type,
    actionSubtype: null,
    cooperativeApproachId: approachOf(ctx, b),
    authorizationId: b.authorizationId
      ? (ctx.authorizations.get(b.authorizationId)?.reference ?? b.authorizationId)
      : null,
    firstTransferringParty: ctx.hosts.get(b.range.project) ?? "",
    itmoRegistry: `JCM registry (${b.range.registry})`,
    firstItmoId: ids?.firstId ?? null,
    lastItmoId: ids?.lastId ?? null,
    underlyingUnitRegistry: `JCM registry (${b.range.registry})`,
    firstUnitId: unit(b.range.start),
    lastUnitId: unit(b.range.end),
    metric: METRIC,
    quantity: Number(quantityOf(b.range)),
    mitigationType: MITIGATION_TYPE,
    vintage: b.range.vintage,
    transferringParty: null,
    acquiringParty: null,
    oimpPurpose: null,
    usingPartyOrEntity: null,
    yearOfUse: null,
    ...rest,
    additionalInformation: [`journal entry ${e.seq} (${e.hash})`, note].filter(Boolean).join("; "),
  };
}

/** The action rows one journal entry contributes to `ctx.party`'s report. */
function actionsOf(ctx: Context, e: JournalEntry, claimantNames: Map<string, string>): ActionRow[] {
  const d = e.details;
  const host = (b: Block) => ctx.hosts.get(b.range.project) ?? "";
  const blocks = blocksOf(e);
  const out: ActionRow[] = [];
  const firstTransfers = (acquiringParty: string | null, usingEntity: string | null) => {
    for (const b of blocks) {
      if (b.firstTransfer && host(b) === ctx.party) {
        out.push(
          actionRow(ctx, e, b, "first_transfer", {
            actionSubtype: acquiringParty ? "ndc" : "oimp",
            transferringParty: host(b),
            acquiringParty,
            usingPartyOrEntity: usingEntity,
          }),
        );
      }
    }
  };
  switch (e.kind) {
    case "authorization.version":
    case "government_report.authorization": {
      if (text(d.party) === ctx.party) {
        for (const b of blocks)
          out.push(actionRow(ctx, e, b, "authorization", { note: `version ${Number(d.version ?? 1)}` }));
      }
      firstTransfers(null, null);
      break;
    }
    case "government_report.first_transfer": {
      const acquiring = text(d.acquiringParty) || JCM_ACQUIRING_PARTY;
      firstTransfers(acquiring, null);
      if (acquiring === ctx.party) {
        for (const b of blocks.filter((x) => x.firstTransfer)) {
          out.push(actionRow(ctx, e, b, "acquisition", { transferringParty: host(b), acquiringParty: acquiring }));
        }
      }
      break;
    }
    case "claim": {
      const entity = claimantNames.get(text(d.claimant)) ?? text(d.claimantName);
      firstTransfers(null, entity);
      if (d.claimType === "compensation") {
        for (const b of blocks) {
          const auth = b.authorizationId ? ctx.authorizations.get(b.authorizationId) : undefined;
          if (auth?.party === ctx.party && auth.purposes.includes("oimp")) {
            out.push(
              actionRow(ctx, e, b, "use", {
                actionSubtype: "oimp",
                oimpPurpose: "Voluntary carbon market (compensation claim)",
                usingPartyOrEntity: entity,
                yearOfUse: e.at.getUTCFullYear(),
                note: `claim ${text(d.claimId)}`,
              }),
            );
          }
        }
      }
      break;
    }
    case "government_report.ndc_use": {
      if (text(d.party) === ctx.party) {
        const consistency = Array.isArray(d.consistency) ? (d.consistency as string[]) : [];
        for (const b of blocks) {
          out.push(
            actionRow(ctx, e, b, "use", {
              actionSubtype: "ndc",
              usingPartyOrEntity: ctx.party,
              yearOfUse: Number(d.year),
              note: [`report ${text(d.reportId)}`, ...consistency.map((c) => `consistency: ${c}`)].join("; "),
            }),
          );
        }
      }
      break;
    }
    case "government_report.cancellation": {
      firstTransfers(null, null);
      if (text(d.party) === ctx.party) {
        for (const b of blocks) {
          out.push(
            actionRow(ctx, e, b, "cancellation", {
              actionSubtype: d.purpose === "omge" ? "omge" : "voluntary",
              note: `report ${text(d.reportId)}`,
            }),
          );
        }
      }
      break;
    }
    default:
      break;
  }
  return out;
}

const ARTICLE6_KINDS = [
  "authorization.version",
  "government_report.authorization",
  "government_report.first_transfer",
  "government_report.ndc_use",
  "government_report.cancellation",
  "claim",
];

export async function actionsOfYear(db: Db, ctx: Context, year: number): Promise<ActionRow[]> {
  const actions: ActionRow[] = [];
  let after = 0n;
  for (;;) {
    const page = await rows(
      db,
      sql`SELECT ${JOURNAL_COLUMNS} FROM journal j
          WHERE j.kind = ANY(${arrayParam(ARTICLE6_KINDS, "text")}) AND j.at >= ${yearStart(year)} AND j.at < ${yearStart(year + 1)}
            AND j.seq > ${after}
          ORDER BY j.seq LIMIT 1000`,
    );
    const entries = page.map(journalFromRow);
    // The claimants of this page only: their names as the organizations now have them.
    const claimants = [...new Set(entries.flatMap((e) => (e.kind === "claim" ? [text(e.details.claimant)] : [])))];
    const names = new Map(
      (await rows(db, sql`SELECT id, name FROM organizations WHERE id = ANY(${arrayParam(claimants, "text")})`)).map(
        (r) => [str(r.id), str(r.name)],
      ),
    );
    for (const e of entries) {
      after = e.seq;
      actions.push(...actionsOf(ctx, e, names));
      if (actions.length > AEF_LIMITS.actions) {
        throw new AnswerTooLarge(`The report would hold more than ${AEF_LIMITS.actions} action rows`, {
          name: "AEF_MAX_ACTIONS",
          value: AEF_LIMITS.actions,
        });
      }
    }
    if (page.length < 1000) return actions;
  }
}
