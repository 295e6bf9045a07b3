import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import { eventStream, SealWatch, STREAM_LIMITS } from "../../http/event-stream.js";
import { clientAddress } from "../../http/rate-limit.js";
import { InvalidRequest } from "../../ledger/core/errors.js";
import { eventsAfter } from "../../ledger/read/events.js";
import * as routes from "./events.routes.js";

/** `Last-Event-ID` as a stream resumes it: the `seq` of the last event received (or its `evt_` id). */
function lastEventId(header: string | undefined): bigint | undefined {
  if (header === undefined) return undefined;
  const seq = /^(?:evt_)?([0-9]{1,16})$/.exec(header.trim())?.[1];
  if (seq === undefined) throw new InvalidRequest([{ path: "Last-Event-ID", message: "must be the seq of an event" }]);
  return BigInt(seq);
}

export function eventRoutes(app: OpenAPIHono<AppEnv>): void {
  let watch: SealWatch | undefined;
  app.openapi(routes.listEvents, async (c) => {
    const { after, limit, ...filter } = c.req.valid("query");
    const { db, limits } = c.get("deps");
    const from = lastEventId(c.req.header("last-event-id")) ?? BigInt(after ?? 0);
    if (c.req.header("accept")?.includes("text/event-stream")) {
      watch ??= new SealWatch(db, STREAM_LIMITS.pollMs);
      const client = c.get("auth")?.key.id ?? clientAddress(c, limits.trustProxy);
      return eventStream(c, watch, { after: from, filter, client });
    }
    return c.json(await eventsAfter(db, from, filter, limit), 200);
  });
}
