import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { rows, str } from "../../../db/values.js";
import { JCM_ACQUIRING_PARTY } from "../core/authorization.js";
import { AnswerTooLarge } from "../core/errors.js";
import { normalize } from "../core/ranges.js";
import { TERMINAL_STATES } from "../core/segments.js";
import { formatSerials, quantityOf } from "../core/serials.js";
import { type ResolvedRange, resolveEach } from "../store/resolve.js";
import { approachOf, type Context, itmoIds, yearStart } from "./aef-context.js";
import { AEF_LIMITS, type HoldingRow, METRIC } from "./aef-types.js";
import { replayRangeAt } from "./status-at.js";

/**
 * The ITMOs `party`'s registry holds at the end of the year: for a host, the units it authorized
 * that are not yet first transferred, used or cancelled; for Japan, the units first transferred
 * to it that it has not used or cancelled. Replayed to 31 December from the journal.
 */
export async function holdingsAt(db: Db, ctx: Context, year: number): Promise<HoldingRow[]> {
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
    throw new AnswerTooLarge(
      `The report would replay the holdings of more than ${AEF_LIMITS.holdingBlocks} unit blocks`,
      {
        name: "AEF_MAX_HOLDING_BLOCKS",
        value: AEF_LIMITS.holdingBlocks,
      },
    );
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
