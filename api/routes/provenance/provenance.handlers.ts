import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import * as provenance from "../../ledger/read/provenance.js";
import type * as routes from "./provenance.routes.js";

export const getProvenance: RouteHandler<typeof routes.getProvenance, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const page = { limit, cursor: cursor === undefined ? undefined : BigInt(cursor) };
  return c.json(await provenance.provenanceOf(c.get("deps").db, c.req.valid("param").serials, page), 200);
};
