import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../http/env.js";
import { claimsCsv, governmentUsesCsv } from "../../ledger/exports.js";
import * as routes from "./exports.routes.js";

function sendCsv(c: Context, name: string, body: string) {
  return c.body(body, 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${name}"`,
  });
}

export function exportRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.claimsCsv, async (c) => {
    const q = c.req.valid("query");
    const name = `claims${q.hostCountry ? `-${q.hostCountry}` : ""}${q.year ? `-${q.year}` : ""}.csv`;
    return sendCsv(c, name, await claimsCsv(c.get("deps").db, q));
  });
  app.openapi(routes.governmentUsesCsv, async (c) => {
    const q = c.req.valid("query");
    const name = `government-uses${q.party ? `-${q.party}` : ""}${q.year ? `-${q.year}` : ""}.csv`;
    return sendCsv(c, name, await governmentUsesCsv(c.get("deps").db, q));
  });
}
