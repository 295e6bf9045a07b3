import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { LedgerError } from "../ledger/core/errors.js";

/**
 * Token buckets per client address, in memory: each process limits what reaches it. A bucket
 * holds `perMinute` tokens and refills continuously; the map is bounded so a flood of addresses
 * cannot exhaust memory.
 */
export class RateLimited extends LedgerError {
  readonly status = 429;
  readonly code = "rate_limited";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
  override extensions() {
    return { retryAfter: this.retryAfterSeconds };
  }
}

const MAX_KEYS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly perMinute: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private refill(key: string): { tokens: number; at: number } {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
    b.at = now;
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > MAX_KEYS) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return b;
  }

  /** Seconds until a token is available, 0 if one is. */
  wait(key: string): number {
    const b = this.refill(key);
    return b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) * 60) / this.perMinute);
  }

  /** Takes a token; returns the seconds to wait when there was none. */
  take(key: string): number {
    const wait = this.wait(key);
    if (wait === 0) (this.buckets.get(key) as { tokens: number }).tokens -= 1;
    return wait;
  }
}

export interface RateLimits {
  publicReads: RateLimiter;
  authFailures: RateLimiter;
  trustProxy: boolean;
}

export function createRateLimits(config: {
  publicPerMinute: number;
  authFailuresPerMinute: number;
  trustProxy: boolean;
}): RateLimits {
  return {
    publicReads: new RateLimiter(config.publicPerMinute),
    authFailures: new RateLimiter(config.authFailuresPerMinute),
    trustProxy: config.trustProxy,
  };
}

/** The client's address: the socket's, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}
