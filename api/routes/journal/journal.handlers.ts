import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import { listRoots as list } from "../../ledger/seal.js";
import type * as routes from "./journal.routes.js";

export const listRoots: RouteHandler<typeof routes.listRoots, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  return c.json(
    await list(c.get("deps").db, { limit, cursor: cursor === undefined ? undefined : BigInt(cursor) }),
    200,
  );
};
