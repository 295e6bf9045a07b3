import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./organizations.handlers.js";
import * as routes from "./organizations.routes.js";

export function organizationRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.createOrganization, handlers.createOrganization);
  app.openapi(routes.getOrganization, handlers.getOrganization);
  app.openapi(routes.updateOrganization, handlers.updateOrganization);
  app.openapi(routes.createKey, handlers.createKey);
  app.openapi(routes.revokeKey, handlers.revokeKey);
  app.openapi(routes.me, handlers.me);
}
