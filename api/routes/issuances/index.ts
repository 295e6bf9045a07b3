import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./issuances.handlers.js";
import * as routes from "./issuances.routes.js";

export function issuanceRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.createIssuance, handlers.createIssuance);
  app.openapi(routes.importIssuances, handlers.importIssuances);
  app.openapi(routes.getIssuance, handlers.getIssuance);
}
