import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./provenance.handlers.js";
import * as routes from "./provenance.routes.js";

export function provenanceRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.getProvenance, handlers.getProvenance);
}
