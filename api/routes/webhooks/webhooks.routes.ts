import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import { bearer, body, Country, Cursor, IdempotencyHeaders, json, Limit, problems } from "../../http/schemas.js";
import { EVENT_TYPE_NAMES } from "../../ledger/journal/events.js";
import { MAX_WEBHOOKS } from "../../webhooks/subscriptions.js";

const anyRole = requireRole("admin", "registry", "government", "company");
const EventTypeName = z.enum(EVENT_TYPE_NAMES);

const Filters = z
  .object({ registry: Country.optional(), hostCountry: Country.optional(), projectRef: z.string().max(16).optional() })
  .strict();

export const Webhook = z
  .object({
    id: z.string().openapi({ example: "whk_01jd0k5x2m3n4p5q6r7s8t9v0w" }),
    url: z.string(),
    types: z.array(EventTypeName).openapi({ description: "Empty: every event type" }),
    filters: z.object({
      registry: z.string().nullable(),
      hostCountry: z.string().nullable(),
      projectRef: z.string().nullable(),
    }),
    status: z.enum(["active", "disabled", "deleted"]),
    disabledReason: z.string().nullable(),
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
  })
  .openapi("Webhook");

export const Delivery = z
  .object({
    id: z.string(),
    eventId: z
      .string()
      .openapi({ description: "The event's id, the same in every attempt: the receiver's key to drop repeats" }),
    eventType: EventTypeName,
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    lastAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable().openapi({ description: "The receiver's HTTP status at the last attempt" }),
    lastError: z.string().nullable(),
    lastResponse: z.string().nullable().openapi({ description: "The first 1 KB of the receiver's last answer" }),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("WebhookDelivery");

const WebhookId = z.object({ id: z.string().max(64) });

export const createWebhook = createRoute({
  method: "post",
  path: "/v1/webhooks",
  tags: ["Events and webhooks"],
  summary: "Subscribe a URL to events (any role); the signing secret is shown once",
  description: `Each event is POSTed as JSON, signed: \`Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">\` with the secret, \`Webhook-Id\` the event's id. Delivered at least once, retried with backoff for 24 h, then the webhook is disabled. Only http(s) URLs of public addresses. At most ${MAX_WEBHOOKS} webhooks per organization.`,
  middleware: anyRole,
  security: bearer,
  request: {
    headers: IdempotencyHeaders,
    body: body(
      z
        .object({
          url: z.string().min(1).max(2000).openapi({ example: "https://registry.example/jcm-bridge/events" }),
          types: z.array(EventTypeName).max(EVENT_TYPE_NAMES.length).optional(),
          filters: Filters.optional(),
        })
        .strict(),
    ),
  },
  responses: {
    201: json(
      Webhook.extend({
        secret: z.string().nullable().openapi({
          description:
            "The signing secret, in the first answer only: a replay under the same Idempotency-Key answers `null`",
        }),
      }),
      "The webhook",
    ),
    ...problems(400, 401, 403, 409, 413, 415, 422),
  },
});

export const listWebhooks = createRoute({
  method: "get",
  path: "/v1/webhooks",
  tags: ["Events and webhooks"],
  summary: "The caller's organization's webhooks",
  middleware: anyRole,
  security: bearer,
  request: { query: z.object({ limit: Limit, cursor: Cursor }) },
  responses: {
    200: json(z.object({ data: z.array(Webhook), nextCursor: z.string().nullable() }), "A page of webhooks"),
    ...problems(400, 401, 403),
  },
});

export const getWebhook = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}",
  tags: ["Events and webhooks"],
  summary: "One of the caller's organization's webhooks",
  middleware: anyRole,
  security: bearer,
  request: { params: WebhookId },
  responses: { 200: json(Webhook, "The webhook"), ...problems(401, 403, 404) },
});

export const deleteWebhook = createRoute({
  method: "delete",
  path: "/v1/webhooks/{id}",
  tags: ["Events and webhooks"],
  summary: "Stop a webhook for good (its deliveries stay readable)",
  middleware: anyRole,
  security: bearer,
  request: { params: WebhookId },
  responses: { 204: { description: "Deleted" }, ...problems(401, 403, 404) },
});

export const listDeliveries = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  tags: ["Events and webhooks"],
  summary: "A webhook's deliveries, newest first, with their attempts and the receiver's last answer",
  middleware: anyRole,
  security: bearer,
  request: {
    params: WebhookId,
    query: z.object({ status: z.enum(["pending", "delivered", "failed"]).optional(), limit: Limit, cursor: Cursor }),
  },
  responses: {
    200: json(z.object({ data: z.array(Delivery), nextCursor: z.string().nullable() }), "A page of deliveries"),
    ...problems(400, 401, 403, 404),
  },
});

export const redeliver = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
  tags: ["Events and webhooks"],
  summary: "Send a delivery again, at once, and retry it for another 24 h if it fails",
  middleware: anyRole,
  security: bearer,
  request: { params: WebhookId.extend({ deliveryId: z.string().max(100) }), headers: IdempotencyHeaders },
  responses: { 202: json(Delivery, "The delivery, due now"), ...problems(401, 403, 404, 409) },
});
