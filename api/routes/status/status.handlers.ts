import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import { slicedJson } from "../../http/sliced-json.js";
import * as status from "../../ledger/read/status.js";
import { statusAt } from "../../ledger/read/status-at.js";
import type * as routes from "./status.routes.js";

export const getStatus: RouteHandler<typeof routes.getStatus, AppEnv> = async (c) => {
  const { db, log } = c.get("deps");
  const { limit, cursor, at } = c.req.valid("query");
  const query = {
    serials: c.req.valid("param").serials,
    limit,
    cursor: cursor === undefined ? undefined : BigInt(cursor),
  };
  if (at !== undefined) return c.json(await statusAt(db, { ...query, at: new Date(at) }), 200);
  return c.json(await status.coalescedStatusOf(db, log, query), 200);
};

export const batchStatus: RouteHandler<typeof routes.batchStatus, AppEnv> = async (c) => {
  const { db, log, config } = c.get("deps");
  const results = await status.statusOfBatch(db, log, c.req.valid("json").serials, config.statusBatchMaxParts);
  return slicedJson(c, "results", results, (r) => ("parts" in r ? r.parts.length + 1 : 1));
};
