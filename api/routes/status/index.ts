import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./status.handlers.js";
import * as routes from "./status.routes.js";

export function statusRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.getStatus, handlers.getStatus);
  app.openapi(routes.batchStatus, handlers.batchStatus);
}
