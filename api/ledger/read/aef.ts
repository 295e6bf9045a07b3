import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, type Row, rows, str, strOrNull } from "../../../db/values.js";
import { JCM_ACQUIRING_PARTY } from "../core/authorization.js";
import { LedgerError } from "../core/errors.js";
import { type ItmoBlock, itmoBlock } from "../core/itmo.js";
import { normalize, subtract } from "../core/ranges.js";
import { TERMINAL_STATES } from "../core/segments.js";
import { formatSerials, parseSerials, quantityOf, type SerialRange } from "../core/serials.js";
import { JOURNAL_COLUMNS, type JournalEntry, journalFromRow } from "../journal/journal.js";
import { type ResolvedRange, resolveEach } from "../store/resolve.js";
import { replayRangeAt } from "./status-at.js";

/**
 * The Agreed Electronic Format (decision 4/CMA.6, annex II) of one Party and year, derived from
 * the journal alone: each action row comes from the journal entry that recorded it (its sequence
 * number and hash travel in the row), and holdings at 31 December are the units replayed to that
 * moment. Regenerating a past year gives the same report, checkable against the hash chain.
 */
export const AEF_LIMITS = {
  /** Action rows in one report; a Party with more reports per year asks for one table as CSV per year. */
  actions: 50_000,
  /** Unit blocks whose holdings at 31 December one report replays. */
  holdingBlocks: 2_000,
} as const;

export class AefTooLarge extends LedgerError {
  readonly status = 422;
  readonly code = "answer_too_large";
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super(`The report would hold more than ${limit} ${what}`);
  }
  override extensions() {
    return { limit: { name: this.what, value: this.limit } };
  }
}

/** The NDC period every report names: the Paris Agreement's first NDC period for JCM partners. */
const NDC_PERIOD = "2021-2030";
const METRIC = "tCO2e";
const MITIGATION_TYPE = "Emission reductions";

export interface Submission {
  party: string;
  reportedYear: number;
  version: number;
  generatedAt: string;
  ndcPeriod: string;
  /** The journal as the report saw it: every entry up to this sequence number. */
  journalSeq: number;
}

export interface AuthorizationRow {
  authorizationId: string;
  bridgeId: string;
  version: number;
  date: string;
  cooperativeApproachId: string | null;
  authorizingParty: string;
  authorizedParties: string;
  authorizedEntities: string;
  purposes: string;
  oimpPurposes: string;
  firstTransferDefinition: string | null;
  timeframeStart: string | null;
  timeframeEnd: string | null;
  firstUnitId: string;
  lastUnitId: string;
  quantity: number;
  terms: string | null;
  documentationUrl: string | null;
}

export const ACTION_TYPES = [
  "authorization",
  "first_transfer",
  "transfer",
  "acquisition",
  "use",
  "cancellation",
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface ActionRow {
  actionDate: string;
  actionType: ActionType;
  actionSubtype: string | null;
  cooperativeApproachId: string | null;
  authorizationId: string | null;
  firstTransferringParty: string;
  itmoRegistry: string;
  firstItmoId: string | null;
  lastItmoId: string | null;
  underlyingUnitRegistry: string;
  firstUnitId: string;
  lastUnitId: string;
  metric: string;
  quantity: number;
  mitigationType: string;
  vintage: number;
  transferringParty: string | null;
  acquiringParty: string | null;
  oimpPurpose: string | null;
  usingPartyOrEntity: string | null;
  yearOfUse: number | null;
  additionalInformation: string;
}

export interface HoldingRow {
  holdingDate: string;
  cooperativeApproachId: string | null;
  authorizationId: string | null;
  firstTransferringParty: string;
  firstItmoId: string | null;
  lastItmoId: string | null;
  firstUnitId: string;
  lastUnitId: string;
  metric: string;
  quantity: number;
  vintage: number;
}

export interface EntityRow {
  entityId: string;
  name: string;
  country: string | null;
  cooperativeApproachId: string | null;
  authorizationId: string;
  conditions: string | null;
}

export interface Aef {
  submission: Submission;
  authorizations: AuthorizationRow[];
  actions: ActionRow[];
  holdings: HoldingRow[];
  authorizedEntities: EntityRow[];
}

/** What the report needs to know of each authorization: its Party's reference, party and approach. */
interface AuthorizationInfo {
  reference: string;
  party: string;
  approachId: string | null;
  purposes: string[];
}

interface Context {
  party: string;
  hosts: Map<string, string>;
  approaches: Map<string, string>;
  authorizations: Map<string, AuthorizationInfo>;
}

const yearStart = (year: number) => new Date(Date.UTC(year, 0, 1));
const join = (list: readonly string[]) => list.join("; ");
const text = (v: unknown): string => (typeof v === "string" ? v : "");

interface Block {
  range: SerialRange;
  authorizationId: string | null;
  firstTransfer: boolean;
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
  return [...traced, ...rest].sort((a, b) => (formatSerials(a.range) < formatSerials(b.range) ? -1 : 1));
}

function approachOf(ctx: Context, b: { range: SerialRange; authorizationId: string | null }): string | null {
  const host = ctx.hosts.get(b.range.project) ?? "";
  return (
    (b.authorizationId ? ctx.authorizations.get(b.authorizationId)?.approachId : null) ??
    ctx.approaches.get(host) ??
    null
  );
}

function itmoIds(ctx: Context, b: Block): ItmoBlock | null {
  const approach = approachOf(ctx, b);
  const host = ctx.hosts.get(b.range.project) ?? "";
  return b.authorizationId && approach ? itmoBlock(approach, host, b.range) : null;
}

/** One action row for a block, the columns every action shares filled in. */
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

async function contextOf(db: Db, party: string): Promise<Context> {
  const hosts = await rows(db, sql`SELECT ref, host_country FROM projects`);
  const approaches = await rows(db, sql`SELECT partner, id FROM cooperative_approaches`);
  const auths = await rows(
    db,
    sql`SELECT a.id, a.reference, a.party, v.cooperative_approach_id, v.purposes FROM authorizations a
        JOIN LATERAL (SELECT * FROM authorization_versions WHERE authorization_id = a.id ORDER BY version DESC LIMIT 1) v ON true`,
  );
  return {
    party,
    hosts: new Map(hosts.map((r) => [str(r.ref), str(r.host_country)])),
    approaches: new Map(approaches.map((r) => [str(r.partner), str(r.id)])),
    authorizations: new Map(
      auths.map((r) => [
        str(r.id),
        {
          reference: str(r.reference),
          party: str(r.party),
          approachId: strOrNull(r.cooperative_approach_id),
          purposes: r.purposes as string[],
        },
      ]),
    ),
  };
}

async function actionsOfYear(db: Db, ctx: Context, year: number): Promise<ActionRow[]> {
  const actions: ActionRow[] = [];
  const names = new Map((await rows(db, sql`SELECT id, name FROM organizations`)).map((r) => [str(r.id), str(r.name)]));
  let after = 0n;
  for (;;) {
    const page = await rows(
      db,
      sql`SELECT ${JOURNAL_COLUMNS} FROM journal j
          WHERE j.kind = ANY(${arrayParam(ARTICLE6_KINDS, "text")}) AND j.at >= ${yearStart(year)} AND j.at < ${yearStart(year + 1)}
            AND j.seq > ${after}
          ORDER BY j.seq LIMIT 1000`,
    );
    for (const e of page.map(journalFromRow)) {
      after = e.seq;
      actions.push(...actionsOf(ctx, e, names));
      if (actions.length > AEF_LIMITS.actions) throw new AefTooLarge("AEF_MAX_ACTIONS", AEF_LIMITS.actions);
    }
    if (page.length < 1000) return actions;
  }
}

/**
 * The ITMOs `party`'s registry holds at the end of the year: for a host, the units it authorized
 * that are not yet first transferred, used or cancelled; for Japan, the units first transferred
 * to it that it has not used or cancelled. Replayed to 31 December from the journal.
 */
async function holdingsAt(db: Db, ctx: Context, year: number): Promise<HoldingRow[]> {
  const end = yearStart(year + 1);
  const candidates = await rows(
    db,
    ctx.party === JCM_ACQUIRING_PARTY
      ? sql`SELECT unnest(serials) AS s FROM government_reports
            WHERE kind = 'first_transfer' AND details->>'acquiringParty' = ${ctx.party} AND created_at < ${end}`
      : sql`SELECT unnest(v.serials) AS s FROM authorization_versions v JOIN authorizations a ON a.id = v.authorization_id
            WHERE a.party = ${ctx.party} AND v.created_at < ${end}`,
  );
  const serials = [...new Set(candidates.map((c) => str(c.s)))];
  if (serials.length > AEF_LIMITS.holdingBlocks)
    throw new AefTooLarge("AEF_MAX_HOLDING_BLOCKS", AEF_LIMITS.holdingBlocks);
  // Blocks named more than once (by several versions) are replayed once: joined within their issuance.
  const byIssuance = new Map<bigint, ResolvedRange[]>();
  for (const resolved of await resolveEach(db, serials)) {
    if ("error" in resolved) continue;
    byIssuance.set(resolved.ok.issuanceId, [...(byIssuance.get(resolved.ok.issuanceId) ?? []), resolved.ok]);
  }
  const blocks = [...byIssuance.values()].flatMap((list) => {
    const [head] = list as [ResolvedRange];
    return normalize(list).map((r) => ({ ...head, ...r }));
  });
  const out: HoldingRow[] = [];
  const at = new Date(end.getTime() - 1);
  for (const r of blocks) {
    const { segments } = await replayRangeAt(db, r, at);
    for (const s of segments) {
      if (s.authorizationId === null || TERMINAL_STATES.includes(s.state)) continue;
      const held = ctx.party === JCM_ACQUIRING_PARTY ? s.firstTransferred : !s.firstTransferred;
      const auth = ctx.authorizations.get(s.authorizationId);
      if (!held || (ctx.party !== JCM_ACQUIRING_PARTY && auth?.party !== ctx.party)) continue;
      const range = { ...r, start: s.start, end: s.end };
      const block = { range, authorizationId: s.authorizationId, firstTransfer: false };
      const ids = itmoIds(ctx, block);
      out.push({
        holdingDate: `${year}-12-31`,
        cooperativeApproachId: approachOf(ctx, block),
        authorizationId: auth?.reference ?? s.authorizationId,
        firstTransferringParty: r.hostCountry,
        firstItmoId: ids?.firstId ?? null,
        lastItmoId: ids?.lastId ?? null,
        firstUnitId: formatSerials({ ...range, end: range.start }),
        lastUnitId: formatSerials({ ...range, start: range.end }),
        metric: METRIC,
        quantity: Number(quantityOf(range)),
        vintage: r.vintage,
      });
    }
  }
  return out;
}

function authorizationRows(found: readonly Row[]): AuthorizationRow[] {
  return found.flatMap((r) =>
    (r.serials as string[]).map((s) => {
      const range = parseSerials(s);
      return {
        authorizationId: str(r.reference),
        bridgeId: str(r.id),
        version: Number(r.version),
        date: str(r.d),
        cooperativeApproachId: strOrNull(r.cooperative_approach_id),
        authorizingParty: str(r.party),
        authorizedParties: join(r.authorized_parties as string[]),
        authorizedEntities: join(r.authorized_entities as string[]),
        purposes: join((r.purposes as string[]).map((p) => p.toUpperCase())),
        oimpPurposes: join(r.oimp_purposes as string[]),
        firstTransferDefinition: strOrNull(r.first_transfer),
        timeframeStart: strOrNull(r.ts),
        timeframeEnd: strOrNull(r.te),
        firstUnitId: formatSerials({ ...range, end: range.start }),
        lastUnitId: formatSerials({ ...range, start: range.end }),
        quantity: Number(quantityOf(range)),
        terms: strOrNull(r.terms),
        documentationUrl: strOrNull(r.documentation_url),
      };
    }),
  );
}

/** The five tables of `party`'s AEF for `year`. */
export async function aefOf(db: Db, party: string, year: number, clock: () => Date): Promise<Aef> {
  const [head] = await rows(db, sql`SELECT coalesce(max(seq), 0)::text AS seq FROM journal`);
  const ctx = await contextOf(db, party);
  const actions = await actionsOfYear(db, ctx, year);
  const versions = await rows(
    db,
    sql`SELECT a.id, a.reference, a.party, v.version, v.date::text AS d, v.cooperative_approach_id, v.authorized_parties,
               v.authorized_entities, v.purposes, v.oimp_purposes, v.first_transfer, v.timeframe_start::text AS ts,
               v.timeframe_end::text AS te, v.serials, v.terms, v.documentation_url
        FROM authorization_versions v JOIN authorizations a ON a.id = v.authorization_id
        WHERE a.party = ${party} AND extract(year FROM v.date) = ${year}
        ORDER BY v.date, a.reference, v.version`,
  );
  const entities = await rows(
    db,
    sql`SELECT DISTINCT ON (e.entity, a.id) e.entity, o.name, o.country, a.reference, v.cooperative_approach_id, v.terms
        FROM authorizations a
        JOIN authorization_versions v ON v.authorization_id = a.id
        CROSS JOIN LATERAL unnest(v.authorized_entities) AS e(entity)
        JOIN organizations o ON o.id = e.entity
        WHERE a.party = ${party} AND v.date < ${`${year + 1}-01-01`}::date
        ORDER BY e.entity, a.id, v.version DESC`,
  );
  return {
    submission: {
      party,
      reportedYear: year,
      version: 1,
      generatedAt: clock().toISOString(),
      ndcPeriod: NDC_PERIOD,
      journalSeq: Number(big(head?.seq ?? 0)),
    },
    authorizations: authorizationRows(versions),
    actions,
    holdings: await holdingsAt(db, ctx, year),
    authorizedEntities: entities.map((r) => ({
      entityId: str(r.entity),
      name: str(r.name),
      country: strOrNull(r.country),
      cooperativeApproachId: strOrNull(r.cooperative_approach_id),
      authorizationId: str(r.reference),
      conditions: strOrNull(r.terms),
    })),
  };
}
