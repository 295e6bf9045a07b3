import type { RouteHandler } from "@hono/zod-openapi";
import { actor } from "../../http/auth.js";
import type { AppEnv } from "../../http/env.js";
import * as holdings from "../../ledger/read/holdings.js";
import type * as routes from "./holdings.routes.js";

export const listHoldings: RouteHandler<typeof routes.listHoldings, AppEnv> = async (c) => {
  return c.json(await holdings.listHoldings(c.get("deps").db, actor(c).id, c.req.valid("query")), 200);
};
