import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./journal.handlers.js";
import * as routes from "./journal.routes.js";

export function journalRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.listRoots, handlers.listRoots);
  app.openapi(routes.rootEntries, handlers.rootEntries);
}
