import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./tokens.handlers.js";
import * as routes from "./tokens.routes.js";

export function tokenRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.createTokenization, handlers.createTokenization);
  app.openapi(routes.getTokenization, handlers.getTokenization);
  app.openapi(routes.createDetokenization, handlers.createDetokenization);
  app.openapi(routes.getDetokenization, handlers.getDetokenization);
  app.openapi(routes.getChain, handlers.getChain);
  app.openapi(routes.getToken, handlers.getToken);
}
