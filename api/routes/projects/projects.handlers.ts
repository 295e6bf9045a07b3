import type { RouteHandler } from "@hono/zod-openapi";
import { actor } from "../../http/auth.js";
import type { AppEnv } from "../../http/env.js";
import * as projects from "../../ledger/ops/projects.js";
import type * as routes from "./projects.routes.js";

export const createProject: RouteHandler<typeof routes.createProject, AppEnv> = async (c) => {
  return c.json(await projects.createProject(c.get("deps"), actor(c), c.req.valid("json")), 201);
};

export const getProject: RouteHandler<typeof routes.getProject, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const page = { limit, cursor: cursor === undefined ? undefined : BigInt(cursor) };
  return c.json(await projects.getProject(c.get("deps").db, c.req.valid("param").ref, page), 200);
};

export const listProjects: RouteHandler<typeof routes.listProjects, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const list = await projects.listProjects(c.get("deps").db, limit + 1, cursor);
  const data = list.slice(0, limit);
  return c.json({ data, nextCursor: list.length > limit ? (data.at(-1)?.ref ?? null) : null }, 200);
};
