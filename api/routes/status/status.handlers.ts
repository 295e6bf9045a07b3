import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as status from "../../ledger/status.js";
import type * as routes from "./status.routes.js";

export const getStatus: RouteHandler<typeof routes.getStatus, AppEnv> = async (c) => {
  const { db, log } = c.get("deps");
  return c.json(await status.coalescedStatusOf(db, log, c.req.valid("param").serials), 200);
};

export const batchStatus: RouteHandler<typeof routes.batchStatus, AppEnv> = async (c) => {
  const { db, log } = c.get("deps");
  return c.json({ results: await status.statusOfMany(db, log, c.req.valid("json").serials) }, 200);
};
