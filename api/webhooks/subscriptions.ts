import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { arrayParam, big, date, type Row, rows, str, strOrNull } from "../../db/values.js";
import { InvalidRequest, NotFound, StateConflict } from "../ledger/core/errors.js";
import type { EventType } from "../ledger/journal/events.js";
import { RETRY_FOR } from "../ledger/journal/outbox.js";
import { type Actor, type Deps, newId } from "../ledger/ops/deps.js";
import { transact } from "../ledger/store/transact.js";
import { urlProblem } from "./targets.js";

/** An organization's webhooks: created with a secret shown once, listed, deleted; their deliveries. */
export interface WebhookFilters {
  registry?: string | undefined;
  hostCountry?: string | undefined;
  projectRef?: string | undefined;
}

export interface Webhook {
  id: string;
  url: string;
  /** Empty: every event type. */
  types: EventType[];
  filters: { registry: string | null; hostCountry: string | null; projectRef: string | null };
  status: "active" | "disabled" | "deleted";
  disabledReason: string | null;
  createdAt: string;
  disabledAt: string | null;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface Delivery {
  id: string;
  eventId: string;
  eventType: EventType;
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  lastResponse: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** The most webhooks one organization keeps at once: every event is checked against each of them. */
export const MAX_WEBHOOKS = 20;

function webhookFromRow(r: Row): Webhook {
  return {
    id: str(r.id),
    url: str(r.url),
    types: r.types as EventType[],
    filters: {
      registry: strOrNull(r.registry),
      hostCountry: strOrNull(r.host_country),
      projectRef: strOrNull(r.project_ref),
    },
    status: str(r.status) as Webhook["status"],
    disabledReason: strOrNull(r.disabled_reason),
    createdAt: date(r.created_at).toISOString(),
    disabledAt: r.disabled_at ? date(r.disabled_at).toISOString() : null,
  };
}

const isoOrNull = (v: unknown) => (v === null || v === undefined ? null : date(v).toISOString());

export function deliveryFromRow(r: Row): Delivery {
  const status = str(r.status) as DeliveryStatus;
  return {
    id: str(r.id),
    eventId: `evt_${big(r.event_seq)}`,
    eventType: str(r.event_type) as EventType,
    status,
    attempts: Number(r.attempts),
    lastAttemptAt: isoOrNull(r.last_attempt_at),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: strOrNull(r.last_error),
    lastResponse: strOrNull(r.last_response),
    nextAttemptAt: status === "pending" ? isoOrNull(r.next_attempt_at) : null,
    deliveredAt: isoOrNull(r.delivered_at),
    createdAt: date(r.created_at).toISOString(),
  };
}

/** A new webhook of the caller's organization, with its signing secret (shown in this answer only). */
export async function createWebhook(
  deps: Deps,
  actor: Actor,
  p: { url: string; types?: readonly EventType[] | undefined; filters?: WebhookFilters | undefined },
  allowPrivate: boolean,
): Promise<Webhook & { secret: string }> {
  const problem = urlProblem(p.url, allowPrivate);
  if (problem) throw new InvalidRequest([{ path: "url", message: problem }]);
  const id = newId(deps, "whk");
  const secret = `whsec_${Buffer.from(deps.random(32)).toString("base64url")}`;
  const at = deps.clock().toISOString();
  return transact(deps.db, async (tx) => {
    // One writer per organization at a time, so the limit holds under concurrent requests.
    await rows(tx, sql`SELECT id FROM organizations WHERE id = ${actor.id} FOR UPDATE`);
    const [count] = await rows(
      tx,
      sql`SELECT count(*)::int AS n FROM webhooks WHERE organization_id = ${actor.id} AND status <> 'deleted'`,
    );
    if (Number(count?.n) >= MAX_WEBHOOKS) {
      throw new StateConflict(
        "webhook_limit",
        `An organization keeps at most ${MAX_WEBHOOKS} webhooks; delete one first`,
      );
    }
    const [row] = await rows(
      tx,
      sql`INSERT INTO webhooks (id, organization_id, url, types, registry, host_country, project_ref, secret, status, created_at)
          VALUES (${id}, ${actor.id}, ${p.url}, ${arrayParam(p.types ?? [], "text")}, ${p.filters?.registry ?? null}::text,
                  ${p.filters?.hostCountry ?? null}::text, ${p.filters?.projectRef ?? null}::text, ${secret}, 'active', ${at})
          RETURNING *`,
    );
    return { ...webhookFromRow(row ?? {}), secret };
  });
}

/** A webhook of the caller's organization; another's is not found (its existence is not the caller's business). */
export async function getWebhook(db: Db, actor: Actor, id: string): Promise<Webhook> {
  const [row] = await rows(
    db,
    sql`SELECT * FROM webhooks WHERE id = ${id} AND organization_id = ${actor.id} AND status <> 'deleted'`,
  );
  if (!row) throw new NotFound("webhook_not_found", `No webhook ${id.slice(0, 64)}`);
  return webhookFromRow(row);
}

export async function listWebhooks(
  db: Db,
  actor: Actor,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ data: Webhook[]; nextCursor: string | null }> {
  const found = await rows(
    db,
    sql`SELECT * FROM webhooks WHERE organization_id = ${actor.id} AND status <> 'deleted'
          AND (${page.cursor ?? null}::text IS NULL OR id > ${page.cursor ?? null})
        ORDER BY id LIMIT ${page.limit + 1}`,
  );
  const data = found.slice(0, page.limit).map(webhookFromRow);
  return { data, nextCursor: found.length > page.limit ? (data.at(-1)?.id ?? null) : null };
}

/** Stops a webhook for good; its deliveries stay readable. */
export async function deleteWebhook(deps: Deps, actor: Actor, id: string): Promise<void> {
  await getWebhook(deps.db, actor, id);
  await deps.db.execute(
    sql`UPDATE webhooks SET status = 'deleted', disabled_at = coalesce(disabled_at, ${deps.clock().toISOString()}::timestamptz)
        WHERE id = ${id} AND organization_id = ${actor.id}`,
  );
}

export async function listDeliveries(
  db: Db,
  actor: Actor,
  webhookId: string,
  f: { status?: DeliveryStatus | undefined },
  page: { limit: number; cursor?: string | undefined },
): Promise<{ data: Delivery[]; nextCursor: string | null }> {
  await getWebhook(db, actor, webhookId);
  const found = await rows(
    db,
    sql`SELECT * FROM webhook_deliveries WHERE webhook_id = ${webhookId}
          AND (${f.status ?? null}::text IS NULL OR status = ${f.status ?? null})
          AND (${page.cursor ?? null}::text IS NULL OR id < ${page.cursor ?? null})
        ORDER BY id DESC LIMIT ${page.limit + 1}`,
  );
  const data = found.slice(0, page.limit).map(deliveryFromRow);
  return { data, nextCursor: found.length > page.limit ? (data.at(-1)?.id ?? null) : null };
}

/** Sends a delivery again, at once: a failed one, or one delivered that the receiver lost. */
export async function redeliver(deps: Deps, actor: Actor, webhookId: string, deliveryId: string): Promise<Delivery> {
  const hook = await getWebhook(deps.db, actor, webhookId);
  const now = sql`${deps.clock().toISOString()}::timestamptz`;
  if (hook.status !== "active") {
    throw new StateConflict(
      "webhook_disabled",
      `Webhook ${webhookId} is disabled: ${hook.disabledReason ?? ""}`.trim(),
    );
  }
  const [row] = await rows(
    deps.db,
    sql`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ${now}, retry_until = ${now} + ${RETRY_FOR},
               delivered_at = NULL
        WHERE id = ${deliveryId} AND webhook_id = ${webhookId} RETURNING *`,
  );
  if (!row) throw new NotFound("delivery_not_found", `No delivery ${deliveryId.slice(0, 64)} of webhook ${webhookId}`);
  return deliveryFromRow(row);
}
