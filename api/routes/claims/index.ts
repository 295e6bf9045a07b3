import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./claims.handlers.js";
import * as routes from "./claims.routes.js";

export function claimRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.createClaim, handlers.createClaim);
  app.openapi(routes.createClaims, handlers.createClaims);
  app.openapi(routes.listClaims, handlers.listClaims);
  app.openapi(routes.getCertificatePdf, handlers.getCertificatePdf);
  app.openapi(routes.getClaim, handlers.getClaim);
}
