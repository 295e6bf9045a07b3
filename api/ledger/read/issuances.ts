import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { big, date, day, type Row, rows, str } from "../../../db/values.js";
import { NotFound } from "../core/errors.js";
import { formatIssuanceId, type IssuanceId, parseIssuanceId } from "../core/ids.js";
import { type Segment, UNIT_STATES, type UnitState } from "../core/segments.js";
import { formatSerials, quantityOf } from "../core/serials.js";
import { SEGMENT_COLUMNS, segmentFromRow } from "../store/segments.js";

export interface IssuanceView {
  id: string;
  projectRef: string;
  registry: string;
  vintage: number;
  hostCountry: string;
  monitoringPeriod: { start: string; end: string };
  serialStart: number;
  serialEnd: number;
  serials: string;
  quantity: number;
  createdAt: string;
}

export interface SegmentView {
  serials: string;
  quantity: number;
  state: UnitState;
  holder: string | null;
  claimId: string | null;
  reportId: string | null;
  tokenId: string | null;
  authorized: boolean;
  correspondingAdjustment: boolean;
}

export interface IssuanceDetail extends IssuanceView {
  totals: Record<UnitState, number>;
  segments: SegmentView[];
  segmentsNextCursor: string | null;
}

export const ISSUANCE_COLUMNS = sql.raw(`i.id::text AS id, i.project_ref, i.registry, i.vintage, i.monitoring_start,
  i.monitoring_end, lower(i.serials)::text AS lo, (upper(i.serials) - 1)::text AS hi, i.created_at, p.host_country`);

export function issuanceFromRow(r: Row): IssuanceView {
  const start = big(r.lo);
  const end = big(r.hi);
  const ident = { registry: str(r.registry), project: str(r.project_ref), vintage: Number(r.vintage) };
  return {
    id: formatIssuanceId(big(r.id)),
    projectRef: ident.project,
    registry: ident.registry,
    vintage: ident.vintage,
    hostCountry: str(r.host_country),
    monitoringPeriod: { start: day(r.monitoring_start), end: day(r.monitoring_end) },
    serialStart: Number(start),
    serialEnd: Number(end),
    serials: formatSerials({ ...ident, start, end }),
    quantity: Number(quantityOf({ start, end })),
    createdAt: date(r.created_at).toISOString(),
  };
}

/** What an issuance states: its units and where they come from. */
export interface IssuanceTerms {
  projectRef: string;
  registry: string;
  vintage: number;
  monitoringPeriod: { start: string; end: string };
  serialStart: bigint;
  serialEnd: bigint;
}

/** The view of an issuance as written: what `issuanceFromRow` reads back from its row. */
export function issuanceView(id: IssuanceId, p: IssuanceTerms, hostCountry: string, at: Date): IssuanceView {
  const range = { start: p.serialStart, end: p.serialEnd };
  return {
    id: formatIssuanceId(id),
    projectRef: p.projectRef,
    registry: p.registry,
    vintage: p.vintage,
    hostCountry,
    monitoringPeriod: { start: p.monitoringPeriod.start, end: p.monitoringPeriod.end },
    serialStart: Number(range.start),
    serialEnd: Number(range.end),
    serials: formatSerials({ registry: p.registry, project: p.projectRef, vintage: p.vintage, ...range }),
    quantity: Number(quantityOf(range)),
    createdAt: at.toISOString(),
  };
}

export function segmentView(ident: { registry: string; project: string; vintage: number }, s: Segment): SegmentView {
  return {
    serials: formatSerials({ ...ident, start: s.start, end: s.end }),
    quantity: Number(quantityOf(s)),
    state: s.state,
    holder: s.holder,
    claimId: s.claimId,
    reportId: s.reportId,
    tokenId: s.tokenId,
    authorized: s.authorizationId !== null,
    correspondingAdjustment: s.correspondingAdjustment,
  };
}

/** Units that exist, to show as an example: the first (up to 100) units of the first issuance. */
export async function exampleRange(db: Db): Promise<{ serials: string; project: string } | undefined> {
  const [row] = await rows(
    db,
    sql`SELECT ${ISSUANCE_COLUMNS} FROM issuances i JOIN projects p ON p.ref = i.project_ref ORDER BY i.id LIMIT 1`,
  );
  if (!row) return undefined;
  const first = issuanceFromRow(row);
  const end = Math.min(first.serialEnd, first.serialStart + 99);
  return {
    serials: formatSerials({
      registry: first.registry,
      project: first.projectRef,
      vintage: first.vintage,
      start: BigInt(first.serialStart),
      end: BigInt(end),
    }),
    project: first.projectRef,
  };
}

/** A page of a project's issuances, oldest first, and the cursor to the next page. */
export async function listIssuancesOfProject(
  db: Db,
  ref: string,
  page: { limit: number; cursor: bigint | undefined },
): Promise<{ issuances: IssuanceView[]; nextCursor: string | null }> {
  const found = await rows(
    db,
    sql`SELECT ${ISSUANCE_COLUMNS} FROM issuances i JOIN projects p ON p.ref = i.project_ref
        WHERE i.project_ref = ${ref} AND i.id > ${page.cursor ?? 0n} ORDER BY i.id LIMIT ${page.limit + 1}`,
  );
  return {
    issuances: found.slice(0, page.limit).map(issuanceFromRow),
    nextCursor: found.length > page.limit ? String(big(found[page.limit - 1]?.id)) : null,
  };
}

export async function getIssuance(
  db: Db,
  id: string,
  page: { limit: number; cursor: bigint | undefined },
): Promise<IssuanceDetail> {
  const numeric = parseIssuanceId(id);
  const [row] = numeric
    ? await rows(
        db,
        sql`SELECT ${ISSUANCE_COLUMNS} FROM issuances i JOIN projects p ON p.ref = i.project_ref WHERE i.id = ${numeric}`,
      )
    : [];
  if (!numeric || !row) throw new NotFound("issuance_not_found", `No issuance ${id}`);
  const view = issuanceFromRow(row);
  const after = page.cursor ?? 0n;
  const segs = await rows(
    db,
    sql`SELECT ${SEGMENT_COLUMNS} FROM segments s WHERE s.issuance_id = ${numeric} AND lower(s.serials) > ${after}
        ORDER BY lower(s.serials) LIMIT ${page.limit + 1}`,
  );
  const totals = Object.fromEntries(UNIT_STATES.map((s) => [s, 0])) as Record<UnitState, number>;
  const sums = await rows(
    db,
    sql`SELECT state, sum(upper(serials) - lower(serials))::text AS q FROM segments WHERE issuance_id = ${numeric} GROUP BY state`,
  );
  for (const s of sums) totals[s.state as UnitState] = Number(s.q);
  const ident = { registry: view.registry, project: view.projectRef, vintage: view.vintage };
  const list = segs.slice(0, page.limit).map(segmentFromRow);
  return {
    ...view,
    totals,
    segments: list.map((s) => segmentView(ident, s)),
    segmentsNextCursor: segs.length > page.limit ? String(list.at(-1)?.start) : null,
  };
}
