import type { RouteHandler } from "@hono/zod-openapi";
import * as accounts from "../../accounts/organizations.js";
import { actor, caller } from "../../http/auth.js";
import type { AppEnv } from "../../http/env.js";
import { Forbidden } from "../../ledger/core/errors.js";
import type * as routes from "./organizations.routes.js";

export const createOrganization: RouteHandler<typeof routes.createOrganization, AppEnv> = async (c) => {
  const org = await accounts.createOrganization(c.get("deps"), actor(c), c.req.valid("json"));
  return c.json(org, 201);
};

export const updateOrganization: RouteHandler<typeof routes.updateOrganization, AppEnv> = async (c) => {
  const org = await accounts.updateOrganization(c.get("deps"), actor(c), c.req.valid("param").id, c.req.valid("json"));
  return c.json(org, 200);
};

export const getOrganization: RouteHandler<typeof routes.getOrganization, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const who = actor(c);
  if (who.role !== "admin" && who.id !== id)
    throw new Forbidden("Only an admin or the organization itself may read it");
  return c.json(await accounts.getOrganization(c.get("deps").db, id), 200);
};

export const createKey: RouteHandler<typeof routes.createKey, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const { label } = c.req.valid("json");
  const key = await accounts.createKey(c.get("deps"), actor(c), id, label ?? null);
  // The secret is shown in this answer alone: a replay of the request answers without it.
  const replay = { ...key, key: null, secretShown: false, note: accounts.SECRET_NOT_REPLAYED };
  c.set("storedAnswer", { body: JSON.stringify(replay), createdKeyId: key.id });
  return c.json(key, 201);
};

export const revokeKey: RouteHandler<typeof routes.revokeKey, AppEnv> = async (c) => {
  await accounts.revokeKey(c.get("deps"), actor(c), c.req.valid("param").id);
  return c.body(null, 204);
};

export const me: RouteHandler<typeof routes.me, AppEnv> = async (c) => {
  const auth = await caller(c);
  return c.json({ organization: auth.organization, key: auth.key }, 200);
};
