import type { MiddlewareHandler } from "hono";
import { type ErrorDetail, InvalidRequest } from "../ledger/core/errors.js";
import { caller } from "./auth.js";
import type { AppEnv } from "./env.js";

/** In unicode mode a surrogate pair is one code point, so only a lone surrogate falls in this class. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const MAX_REPORTED = 20;

/** Why PostgreSQL could not store this text (it holds neither NUL nor half of a surrogate pair), if it could not. */
export function textFault(text: string): string | undefined {
  if (text.includes("\u0000")) return "must not contain NUL characters";
  if (LONE_SURROGATE.test(text)) return "must be well-formed Unicode: it contains a lone surrogate (\\uD800-\\uDFFF)";
  return undefined;
}

/** Every string of a parsed JSON value, keys included, that cannot be stored; iterative, so depth costs no stack. */
export function textFaults(value: unknown): ErrorDetail[] {
  const faults: ErrorDetail[] = [];
  const stack: { value: unknown; path: string }[] = [{ value, path: "" }];
  const at = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (stack.length > 0 && faults.length < MAX_REPORTED) {
    const { value: v, path } = stack.pop() as { value: unknown; path: string };
    if (typeof v === "string") {
      const fault = textFault(v);
      if (fault) faults.push({ path: path || "body", message: fault });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: at(path, String(i)) });
    } else if (typeof v === "object" && v !== null) {
      for (const [key, child] of Object.entries(v)) {
        const fault = textFault(key);
        if (fault) faults.push({ path: at(path, "(key)"), message: fault });
        stack.push({ value: child, path: at(path, key) });
      }
    }
  }
  return faults;
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/**
 * Text is treated the same in every field of every write: a JSON body with a string the database
 * cannot store is refused here, naming the field, before any handler or lookup sees it. Writes
 * need a key, which is checked first, so a wrong key is still a 401; a request without one is
 * left to its route (a 401 for a write). A body that is not JSON is left to the route's validation.
 */
export function refuseUnstorableText(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    if (c.req.header("authorization") === undefined) return next();
    if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) return next();
    await caller(c);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return next();
    }
    const faults = textFaults(body);
    if (faults.length > 0) throw new InvalidRequest(faults);
    return next();
  };
}
