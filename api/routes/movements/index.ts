import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as handlers from "./movements.handlers.js";
import * as routes from "./movements.routes.js";

export function movementRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.createDeposit, handlers.createDeposit);
  app.openapi(routes.createWithdrawal, handlers.createWithdrawal);
  app.openapi(routes.createTransfer, handlers.createTransfer);
}
