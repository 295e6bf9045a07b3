import type { RouteHandler } from "@hono/zod-openapi";
import { actor } from "../../http/auth.js";
import type { AppEnv } from "../../http/env.js";
import { InvalidRequest } from "../../ledger/core/errors.js";
import * as authorizations from "../../ledger/ops/authorizations.js";
import * as approaches from "../../ledger/ops/cooperative-approaches.js";
import { aefOf } from "../../ledger/read/aef.js";
import { type AEF_TABLE_NAMES, aefCsv, aefWorkbook } from "../../ledger/read/aef-formats.js";
import * as authorizationReads from "../../ledger/read/authorizations.js";
import type * as routes from "./article6.routes.js";

export const putCooperativeApproach: RouteHandler<typeof routes.putCooperativeApproach, AppEnv> = async (c) => {
  const { partner } = c.req.valid("param");
  return c.json(await approaches.setCooperativeApproach(c.get("deps"), actor(c), partner, c.req.valid("json")), 200);
};

export const listCooperativeApproaches: RouteHandler<typeof routes.listCooperativeApproaches, AppEnv> = async (c) => {
  return c.json({ data: await approaches.listCooperativeApproaches(c.get("deps").db) }, 200);
};

export const createAuthorization: RouteHandler<typeof routes.createAuthorization, AppEnv> = async (c) => {
  return c.json(await authorizations.createAuthorization(c.get("deps"), actor(c), c.req.valid("json")), 201);
};

export const getAuthorization: RouteHandler<typeof routes.getAuthorization, AppEnv> = async (c) => {
  return c.json(await authorizationReads.getAuthorization(c.get("deps").db, c.req.valid("param").id), 200);
};

export const listAuthorizations: RouteHandler<typeof routes.listAuthorizations, AppEnv> = async (c) => {
  const { limit, cursor, ...filter } = c.req.valid("query");
  return c.json(await authorizationReads.listAuthorizations(c.get("deps").db, filter, { limit, cursor }), 200);
};

export const getAef: RouteHandler<typeof routes.getAef, AppEnv> = async (c) => {
  const { party, year, format, table } = c.req.valid("query");
  if ((format === "csv") !== (table !== undefined)) {
    throw new InvalidRequest([{ path: "table", message: "a table is named with format=csv, and only then" }]);
  }
  const { db, clock } = c.get("deps");
  const aef = await aefOf(db, party, year, clock);
  const name = `aef-${party}-${year}`;
  if (format === "xlsx") {
    return c.body(await aefWorkbook(aef), 200, {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="${name}.xlsx"`,
    });
  }
  if (format === "csv" && table !== undefined) {
    return c.body(aefCsv(aef, table as (typeof AEF_TABLE_NAMES)[number]), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}-${table}.csv"`,
    });
  }
  return c.json(aef, 200);
};
