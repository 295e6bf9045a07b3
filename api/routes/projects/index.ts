import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./projects.handlers.js";
import * as routes from "./projects.routes.js";

export function projectRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.createProject, handlers.createProject);
  app.openapi(routes.listProjects, handlers.listProjects);
  app.openapi(routes.getProject, handlers.getProject);
}
