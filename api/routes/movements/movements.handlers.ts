import type { RouteHandler } from "@hono/zod-openapi";
import { actor } from "../../http/auth.js";
import type { AppEnv } from "../../http/env.js";
import * as movements from "../../ledger/ops/movements.js";
import type * as routes from "./movements.routes.js";

export const createDeposit: RouteHandler<typeof routes.createDeposit, AppEnv> = async (c) => {
  return c.json(await movements.deposit(c.get("deps"), actor(c), c.req.valid("json")), 201);
};

export const createWithdrawal: RouteHandler<typeof routes.createWithdrawal, AppEnv> = async (c) => {
  return c.json(await movements.withdraw(c.get("deps"), actor(c), c.req.valid("json")), 201);
};

export const createTransfer: RouteHandler<typeof routes.createTransfer, AppEnv> = async (c) => {
  return c.json(await movements.transfer(c.get("deps"), actor(c), c.req.valid("json")), 201);
};
