import type { RefusalCode } from "./rules.js";

/**
 * Domain failures. Each names what went wrong in the ledger's own terms; the HTTP layer maps
 * `status` and `code` to problem+json in one place. A `LedgerInvariantViolation` is a bug, never
 * a client's fault.
 */
export interface Conflict {
  serials: string;
  state: string;
  holder?: string | null;
  claimId?: string | null;
  reportId?: string | null;
  tokenId?: string | null;
  authorized?: boolean;
  authorizationId?: string | null;
  firstTransferred?: boolean;
  correspondingAdjustment?: boolean;
  reason?: RefusalCode;
}

export interface ErrorDetail {
  path: string;
  message: string;
  row?: number;
  line?: number;
}

export class BaseError extends Error {
  readonly shortMessage: string;
  readonly details: string | undefined;
  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}: ${options.details}` : shortMessage, {
      cause: options.cause,
    });
    this.name = new.target.name;
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

/** A refusal a client can act on: carries an HTTP-neutral status class and a stable code. */
export abstract class LedgerError extends BaseError {
  abstract readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;
  abstract readonly code: string;
  /** Extra members of the problem document. */
  extensions(): Record<string, unknown> {
    return {};
  }
}

export class InvalidRequest extends LedgerError {
  readonly status = 400;
  readonly code = "invalid_request";
  constructor(readonly errors: ErrorDetail[]) {
    super("The request is invalid", { details: errors.map((e) => `${e.path}: ${e.message}`).join("; ") });
  }
  override extensions() {
    return { errors: this.errors };
  }
}

export class InvalidSerials extends LedgerError {
  readonly status = 400;
  readonly code = "invalid_request";
  constructor(
    readonly input: string,
    readonly reason: string,
    readonly path = "serials",
  ) {
    super("Malformed serial range", { details: `${JSON.stringify(input.slice(0, 120))}: ${reason}` });
  }
  override extensions() {
    return { errors: [{ path: this.path, message: this.reason }] };
  }
}

export class Unauthenticated extends LedgerError {
  readonly status = 401;
  readonly code = "unauthenticated";
}

export class Forbidden extends LedgerError {
  readonly status = 403;
  constructor(
    message: string,
    readonly code: string = "forbidden",
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
  override extensions() {
    return this.extra;
  }
}

export class NotFound extends LedgerError {
  readonly status = 404;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The serials are well formed but do not lie inside one issuance. */
export class SerialsNotFound extends LedgerError {
  readonly status = 404;
  readonly code = "serials_not_found";
  constructor(readonly unknown: { path: string; serials: string; reason: string }[]) {
    super("Unknown serials", { details: unknown.map((u) => `${u.serials}: ${u.reason}`).join("; ") });
  }
  override extensions() {
    return { errors: this.unknown.map((u) => ({ path: u.path, message: u.reason, serials: u.serials })) };
  }
}

export class Unprocessable extends LedgerError {
  readonly status = 422;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A request that conflicts with the current state of something other than units. */
export class StateConflict extends LedgerError {
  readonly status = 409;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Any refusal that names units: the conflicting parts are exactly the requested units at fault. */
export class SerialsConflict extends LedgerError {
  constructor(
    readonly code: string,
    message: string,
    readonly conflicts: Conflict[],
    readonly extra: Record<string, unknown> = {},
    /** `403` where the refusal is of the caller (an entity the units' authorization does not name). */
    readonly status: 403 | 409 = 409,
    /** What the client can do instead. */
    remedy?: string,
  ) {
    const units = conflicts.map((c) => `${c.serials} (${c.state})`).join(", ");
    super(message, { details: remedy ? `${units}. ${remedy}` : units });
  }
  override extensions() {
    return { conflicts: this.conflicts, ...this.extra };
  }
}

/**
 * One item of an all-or-nothing batch refused, so the whole batch was: the item's own answer
 * (status, code, conflicts or errors), naming the item by its index in the request.
 */
export class BatchItemRefused extends LedgerError {
  readonly status: LedgerError["status"];
  readonly code: string;
  constructor(
    readonly index: number,
    readonly refusal: LedgerError,
  ) {
    super(`Item ${index} of the batch was refused, so nothing in the batch was done: ${refusal.shortMessage}`, {
      cause: refusal,
      ...(refusal.details ? { details: refusal.details } : {}),
    });
    this.status = refusal.status;
    this.code = refusal.code;
  }
  override extensions() {
    return { index: this.index, ...this.refusal.extensions() };
  }
}

/** An answer that would pass one of its bounds: refused whole, naming the bound; the message says what to ask instead. */
export class AnswerTooLarge extends LedgerError {
  readonly status = 422;
  readonly code = "answer_too_large";
  constructor(
    message: string,
    readonly limit: { name: string; value: number },
  ) {
    super(message);
  }
  override extensions() {
    return { limit: this.limit };
  }
}

export class PayloadTooLarge extends LedgerError {
  readonly status = 413;
  readonly code = "payload_too_large";
}

export class ServiceUnavailable extends LedgerError {
  readonly status = 503;
  readonly code = "service_unavailable";
}

/** Something that must hold does not: a bug. Logged loudly and answered 500. */
export class LedgerInvariantViolation extends BaseError {}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new LedgerInvariantViolation(message);
}

/**
 * An error and its causes, outermost first (as viem's `BaseError.walk` goes): drivers and
 * drizzle wrap the reason in their own errors. Bounded, so a cause cycle cannot hang a request.
 */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let e: unknown = error;
  while (e !== undefined && e !== null && chain.length < 10) {
    chain.push(e);
    e = typeof e === "object" && "cause" in e ? e.cause : undefined;
  }
  return chain;
}

/** The first of an error and its causes, outermost first, that `is` recognises. */
export function findCause<T>(error: unknown, is: (e: unknown) => e is T): T | undefined {
  return causeChain(error).find(is);
}

/** The innermost cause's message: drivers wrap the reason (ECONNREFUSED) in their own errors. */
export function rootMessage(error: unknown): string {
  const e = causeChain(error).findLast((c) => c instanceof Error) ?? error;
  const text = e instanceof Error ? e.message : String(e);
  return (text.split("\n")[0] ?? "").slice(0, 500);
}
