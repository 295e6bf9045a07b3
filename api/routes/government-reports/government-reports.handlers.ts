import type { RouteHandler } from "@hono/zod-openapi";
import { actor } from "../../http/auth.js";
import type { AppEnv } from "../../http/env.js";
import * as reports from "../../ledger/ops/reports.js";
import type * as routes from "./government-reports.routes.js";

export const createReport: RouteHandler<typeof routes.createReport, AppEnv> = async (c) => {
  return c.json(await reports.createGovernmentReport(c.get("deps"), actor(c), c.req.valid("json")), 201);
};
