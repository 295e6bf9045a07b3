import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { causeChain, LedgerError, LedgerInvariantViolation } from "../ledger/core/errors.js";
import { pgError } from "../ledger/store/pg-errors.js";
import { RETRYABLE_CODES } from "../ledger/store/transact.js";
import { loggableError } from "../log-error.js";
import type { AppEnv } from "./env.js";
import { RateLimited } from "./rate-limit.js";

/** RFC 9457 problem details: the one place where every failure becomes an HTTP answer. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  [extension: string]: unknown;
}

const PROBLEM_TYPE = "urn:jcm-bridge:problem:";

export function problem(status: number, code: string, title: string, detail?: string, extra = {}): Problem {
  return { type: PROBLEM_TYPE + code, title, status, ...(detail ? { detail } : {}), code, ...extra };
}

const HTTP_CODES: Record<number, [string, string]> = {
  400: ["invalid_request", "The request is invalid"],
  401: ["unauthenticated", "Authentication required"],
  404: ["not_found", "Not found"],
  405: ["method_not_allowed", "Method not allowed"],
  413: ["payload_too_large", "The request body is too large"],
  415: ["unsupported_media_type", "Unsupported media type"],
};

/** Text PostgreSQL refuses to store (NUL, invalid encoding): the client's input, not our fault. */
const TEXT_REFUSED = new Set(["22021", "22P05"]);

/**
 * A wait that hit its bound: a lock held too long by another transaction, a statement that ran too
 * long, or a session ended for idling inside a transaction. Nothing was written; retrying may work.
 */
const TIMED_OUT = new Set(["55P03", "57014", "25P03"]);

/** Connection-level failures: the database is away, which is not the client's fault. */
const UNAVAILABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "53300"]);

const DISCONNECTED =
  /Connection terminated|not queryable|Client was closed|Connection ended unexpectedly|timeout exceeded when trying to connect/;

function isUnavailable(error: unknown): boolean {
  return causeChain(error).some(
    (e) =>
      (typeof e === "object" && e !== null && "code" in e && UNAVAILABLE.has(String(e.code))) ||
      (e instanceof Error && DISCONNECTED.test(e.message)),
  );
}

export function toProblem(error: unknown): Problem {
  if (error instanceof LedgerError) {
    return problem(
      error.status,
      error.code,
      error.shortMessage,
      error.details ?? error.shortMessage,
      error.extensions(),
    );
  }
  if (error instanceof HTTPException) {
    const [code, title] = HTTP_CODES[error.status] ?? ["http_error", "Request failed"];
    const detail = error.status === 400 ? "The body is not valid JSON" : error.message || undefined;
    const errors = error.status === 400 ? { errors: [{ path: "body", message: detail }] } : {};
    return problem(error.status, code, title, detail, errors);
  }
  const pg = pgError(error)?.code;
  if (pg !== undefined && TEXT_REFUSED.has(pg)) {
    return problem(
      400,
      "invalid_request",
      "The request is invalid",
      "The request contains text the database cannot store",
      {
        errors: [{ path: "body", message: "text must be valid UTF-8 without NUL characters" }],
      },
    );
  }
  if (pg !== undefined && TIMED_OUT.has(pg)) {
    return problem(503, "service_unavailable", "The database is busy", "A wait for the database timed out; retry it");
  }
  if (pg !== undefined && RETRYABLE_CODES.has(pg)) {
    return problem(503, "service_unavailable", "Too much contention", "The request lost a race repeatedly; retry it");
  }
  if (isUnavailable(error)) {
    return problem(503, "service_unavailable", "The database is unavailable", "Try again shortly");
  }
  return problem(500, "internal_error", "Internal error", "The failure was logged");
}

export function respond(c: Context, p: Problem, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(p), p.status as ContentfulStatusCode, {
    "content-type": "application/problem+json",
    ...headers,
  });
}

export function onError(error: Error, c: Context<AppEnv>): Response {
  const p = toProblem(error);
  const log = c.get("deps")?.log;
  if (p.status >= 500) {
    const kind = error instanceof LedgerInvariantViolation ? "ledger invariant violated" : "request failed";
    log?.error({ error: loggableError(error), requestId: c.get("requestId"), status: p.status }, kind);
  }
  const retryAfter =
    error instanceof RateLimited ? String(error.retryAfterSeconds) : p.status === 503 ? "5" : undefined;
  return respond(c, p, retryAfter ? { "retry-after": retryAfter } : {});
}

export function notFound(c: Context): Response {
  return respond(
    c,
    problem(404, "not_found", "Not found", `No resource at ${c.req.method} ${c.req.path.slice(0, 200)}`),
  );
}
