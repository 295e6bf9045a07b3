import type { OpenAPIHono } from "@hono/zod-openapi";
import { actor } from "../../http/auth.js";
import type { AppEnv } from "../../http/env.js";
import * as webhooks from "../../webhooks/subscriptions.js";
import * as routes from "./webhooks.routes.js";

export function webhookRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.createWebhook, async (c) => {
    const deps = c.get("deps");
    const made = await webhooks.createWebhook(deps, actor(c), c.req.valid("json"), deps.config.webhooks.allowPrivate);
    // The secret is shown in this answer alone: a replay of the request answers without it.
    c.set("storedAnswer", { body: JSON.stringify({ ...made, secret: null }) });
    return c.json(made, 201);
  });
  app.openapi(routes.listWebhooks, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await webhooks.listWebhooks(c.get("deps").db, actor(c), { limit, cursor }), 200);
  });
  app.openapi(routes.getWebhook, async (c) => {
    return c.json(await webhooks.getWebhook(c.get("deps").db, actor(c), c.req.valid("param").id), 200);
  });
  app.openapi(routes.deleteWebhook, async (c) => {
    await webhooks.deleteWebhook(c.get("deps"), actor(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
  app.openapi(routes.listDeliveries, async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    const id = c.req.valid("param").id;
    return c.json(await webhooks.listDeliveries(c.get("deps").db, actor(c), id, { status }, { limit, cursor }), 200);
  });
  app.openapi(routes.redeliver, async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    return c.json(await webhooks.redeliver(c.get("deps"), actor(c), id, deliveryId), 202);
  });
}
