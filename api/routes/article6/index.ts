import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./article6.handlers.js";
import * as routes from "./article6.routes.js";

export function article6Routes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.putCooperativeApproach, handlers.putCooperativeApproach);
  app.openapi(routes.listCooperativeApproaches, handlers.listCooperativeApproaches);
  app.openapi(routes.createAuthorization, handlers.createAuthorization);
  app.openapi(routes.listAuthorizations, handlers.listAuthorizations);
  app.openapi(routes.getAuthorization, handlers.getAuthorization);
  app.openapi(routes.getAef, handlers.getAef);
}
