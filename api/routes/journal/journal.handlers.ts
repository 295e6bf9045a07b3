import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import { rootEntries as entries, listRoots as list } from "../../ledger/journal/seal.js";
import type * as routes from "./journal.routes.js";

export const listRoots: RouteHandler<typeof routes.listRoots, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  return c.json(
    await list(c.get("deps").db, { limit, cursor: cursor === undefined ? undefined : BigInt(cursor) }),
    200,
  );
};

export const rootEntries: RouteHandler<typeof routes.rootEntries, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const page = { limit, cursor: cursor === undefined ? undefined : BigInt(cursor) };
  return c.json(await entries(c.get("deps").db, BigInt(c.req.valid("param").id), page), 200);
};
