import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./government-reports.handlers.js";
import * as routes from "./government-reports.routes.js";

export function governmentReportRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.createReport, handlers.createReport);
}
