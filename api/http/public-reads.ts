import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { caller } from "./auth.js";
import type { AppEnv } from "./env.js";
import { API_READ_POST, preflightable, publicRead } from "./public-paths.js";
import { clientAddress, RateLimited } from "./rate-limit.js";
import { readPass } from "./read-routing.js";

/**
 * Public reads of the API are open to every origin; nothing else gets a CORS grant, so a browser
 * never sends a write cross-origin. Public reads of the API and the pages are limited per client
 * address unless the caller authenticates: a key that is presented is checked (a wrong one is a
 * 401 and a failed authentication), never taken as a pass.
 */
export function publicReads(
  setHeader: (c: Context<AppEnv>, name: string, value: string) => void,
): MiddlewareHandler<AppEnv> {
  const preflight = cors({
    origin: "*",
    allowMethods: (_origin, c) => (c.req.path === API_READ_POST ? ["GET", "HEAD", "POST"] : ["GET", "HEAD"]),
    allowHeaders: ["content-type", "last-event-id"],
    maxAge: 600,
  });
  return async (c, next) => {
    if (c.req.method === "OPTIONS") return preflightable(c.req.path) ? preflight(c, next) : next();
    const kind = publicRead(c.req.method, c.req.path);
    if (!kind) return next();
    if (kind === "api") setHeader(c, "access-control-allow-origin", "*");
    if (c.req.header("authorization") !== undefined) await caller(c);
    // A read answered again by the primary was counted on its first pass.
    else if (readPass(c.req.raw) !== "fallback") {
      const { limits } = c.get("deps");
      const wait = limits.publicReads.take(clientAddress(c, limits.trustProxy));
      if (wait > 0) throw new RateLimited("Too many requests from this address", wait);
    }
    return next();
  };
}
