import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../http/env.js";
import { claimsCsv, governmentUsesCsv } from "../../ledger/read/exports.js";
import * as routes from "./exports.routes.js";

/**
 * Streams a report. Its header and first page are read before the answer starts, so that a
 * database that cannot be reached is still a 503 problem, not a cut-off file.
 */
async function sendCsv(c: Context, name: string, lines: AsyncGenerator<string>) {
  const encoder = new TextEncoder();
  const head: string[] = [];
  for (let i = 0; i < 2; i++) {
    const next = await lines.next();
    if (!next.done) head.push(next.value);
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(head.join("")));
    },
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return c.body(body, 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${name}"`,
  });
}

export function exportRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.claimsCsv, async (c) => {
    const q = c.req.valid("query");
    const name = `claims${q.hostCountry ? `-${q.hostCountry}` : ""}${q.year ? `-${q.year}` : ""}.csv`;
    return sendCsv(c, name, claimsCsv(c.get("deps").db, q));
  });
  app.openapi(routes.governmentUsesCsv, async (c) => {
    const q = c.req.valid("query");
    const name = `government-uses${q.party ? `-${q.party}` : ""}${q.year ? `-${q.year}` : ""}.csv`;
    return sendCsv(c, name, governmentUsesCsv(c.get("deps").db, q));
  });
}
