import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./holdings.handlers.js";
import * as routes from "./holdings.routes.js";

export function holdingRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.listHoldings, handlers.listHoldings);
}
