import { createHash } from "node:crypto";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { findCause, rootMessage } from "./ledger/core/errors.js";
import { pgError } from "./ledger/store/pg-errors.js";

/** What a log line may say about a failure. */
export interface LoggedError {
  type: string;
  message?: string;
  pg?: string;
  constraint?: string;
  statement?: string;
  stack?: string;
}

/**
 * A failed statement's message carries every parameter it was sent (beneficiary names, purposes)
 * and a database's own message may quote a value: neither reaches a log. A statement is named by
 * its verb and table and a hash of its text, which never holds a value.
 */
function statementName(query: string): string {
  const head = query.replace(/\s+/g, " ").trim().split(" ").slice(0, 3).join(" ").replace(/"/g, "");
  return `${head.slice(0, 60)}#${createHash("sha256").update(query).digest("hex").slice(0, 12)}`;
}

/** The frames of a stack without its message, which comes first and may span lines. */
function frames(stack: string | undefined): string | undefined {
  const at = stack?.indexOf("\n    at ") ?? -1;
  return stack && at >= 0 ? stack.slice(at + 1) : undefined;
}

export function loggableError(error: unknown): LoggedError {
  const query = findCause(error, (e): e is DrizzleQueryError => e instanceof DrizzleQueryError);
  const pg = pgError(error);
  const type = error instanceof Error ? error.constructor.name : typeof error;
  // Messages of the database and of failed statements may quote what a caller sent; others name the fault.
  return {
    type,
    ...(query || pg ? {} : { message: rootMessage(error) }),
    ...(pg?.code ? { pg: pg.code } : {}),
    ...(pg?.constraint ? { constraint: pg.constraint } : {}),
    ...(query ? { statement: statementName(query.query) } : {}),
    ...(error instanceof Error && frames(error.stack) ? { stack: frames(error.stack) } : {}),
  };
}
