import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { caller } from "./auth.js";
import type { AppEnv } from "./env.js";
import { clientAddress, RateLimited } from "./rate-limit.js";

/** API paths anyone may read with GET or HEAD. */
const API_READ =
  /^\/(openapi\.json|v1\/(status\/.+|provenance\/.+|claims(\/[^/]+(\/certificate\.pdf)?)?|projects(\/[^/]+)?|issuances\/[^/]+|journal\/roots(\/[^/]+\/entries)?|chain|tokens\/[^/]+|exports\/[^/]+|events|lookup))$/;
/** The one public read sent as POST: a batch of ranges does not fit in a URL. */
const API_READ_POST = "/v1/status";
/** Server-rendered pages; they do the lookups of the API, so they share its limit. */
const PAGE =
  /^\/(|search|docs|serials\/.+|claims(\/[^/]+)?|beneficiaries\/[^/]+|projects\/[^/]+|article6\/[^/]+\/[^/]+)$/;

type Kind = "api" | "page" | undefined;

function publicRead(method: string, path: string): Kind {
  if (method === "POST") return path === API_READ_POST ? "api" : undefined;
  if (method !== "GET" && method !== "HEAD") return undefined;
  if (API_READ.test(path)) return "api";
  return PAGE.test(path) ? "page" : undefined;
}

/** Whether a preflight may be answered for this path: it is an API read for some method. */
function preflightable(path: string): boolean {
  return API_READ.test(path) || path === API_READ_POST;
}

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
    else {
      const { limits } = c.get("deps");
      const wait = limits.publicReads.take(clientAddress(c, limits.trustProxy));
      if (wait > 0) throw new RateLimited("Too many requests from this address", wait);
    }
    return next();
  };
}
