import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { Db } from "../../db/client.js";
import { type EventFilter, eventsAfter, sealedThrough } from "../ledger/read/events.js";
import type { AppEnv } from "./env.js";
import { RateLimited } from "./rate-limit.js";

/**
 * The event feed as Server-Sent Events: the sealed events after the client's cursor, then each new
 * one as the journal is sealed, with a heartbeat while nothing happens. Every stream is bounded: a
 * few per client, a cap per process, and an end after `maxStreamMs` (the client reconnects with
 * `Last-Event-ID` and loses nothing).
 */
export interface StreamLimits {
  perClient: number;
  total: number;
  heartbeatMs: number;
  maxStreamMs: number;
  /** How often the one watcher of a process looks for a new root while streams wait. */
  pollMs: number;
}

export const STREAM_LIMITS: StreamLimits = {
  perClient: 3,
  total: 200,
  heartbeatMs: 15_000,
  maxStreamMs: 60 * 60_000,
  pollMs: 250,
};

const PAGE = 200;

/**
 * One watcher per process of how far the journal is sealed, shared by every waiting stream: it
 * polls only while someone waits, and wakes them all when a new root covers more.
 */
export class SealWatch {
  private waiting = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private last = -1n;

  constructor(
    private readonly db: Db,
    private readonly pollMs: number,
  ) {}

  /**
   * Resolves when the sealed horizon passes `seq`, or after `ms`, or when `signal` aborts; says
   * whether the horizon passed it.
   */
  wait(seq: bigint, ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.last > seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timeout);
        signal.removeEventListener("abort", done);
        this.waiting.delete(wake);
        resolve(this.last > seq);
      };
      const wake = () => {
        if (this.last > seq) done();
      };
      const timeout = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.waiting.add(wake);
      this.schedule();
    });
  }

  private schedule() {
    if (this.timer !== undefined || this.waiting.size === 0) return;
    this.timer = setTimeout(async () => {
      try {
        this.last = await sealedThrough(this.db);
        for (const wake of [...this.waiting]) wake();
      } catch {
        // The next poll tries again; a stream's heartbeat or its end bounds the wait.
      } finally {
        this.timer = undefined;
        this.schedule();
      }
    }, this.pollMs);
  }
}

/** Streams per client key (API key or address) and in all, for this process. */
const open = new Map<string, number>();
let openTotal = 0;

export function eventStream(
  c: Context<AppEnv>,
  watch: SealWatch,
  start: { after: bigint; filter: EventFilter; client: string },
  limits: StreamLimits = STREAM_LIMITS,
): Response {
  const mine = open.get(start.client) ?? 0;
  if (mine >= limits.perClient || openTotal >= limits.total) {
    throw new RateLimited(
      `At most ${limits.perClient} event streams per client and ${limits.total} in all; close one, or read GET /v1/events`,
      5,
    );
  }
  open.set(start.client, mine + 1);
  openTotal += 1;
  let released = false;
  // Called when the client goes away (at once, so it may reconnect) and when the stream ends.
  const release = () => {
    if (released) return;
    released = true;
    openTotal -= 1;
    const left = (open.get(start.client) ?? 1) - 1;
    if (left > 0) open.set(start.client, left);
    else open.delete(start.client);
  };
  const { db, clock } = c.get("deps");
  const ends = clock().getTime() + limits.maxStreamMs;
  return streamSSE(c, async (stream) => {
    const closed = new AbortController();
    stream.onAbort(() => {
      release();
      closed.abort();
    });
    try {
      let cursor = start.after;
      await stream.writeSSE({ event: "ready", data: JSON.stringify({ after: String(cursor) }), retry: 2_000 });
      while (!closed.signal.aborted && clock().getTime() < ends) {
        const page = await eventsAfter(db, cursor, start.filter, PAGE);
        for (const e of page.data) {
          await stream.writeSSE({ id: String(e.seq), event: e.type, data: JSON.stringify(e) });
        }
        cursor = BigInt(page.nextCursor);
        if (!page.caughtUp) continue;
        const waitMs = Math.min(limits.heartbeatMs, Math.max(0, ends - clock().getTime()));
        const advanced = await watch.wait(cursor, waitMs, closed.signal);
        if (!advanced && !closed.signal.aborted) {
          await stream.writeSSE({ event: "heartbeat", data: JSON.stringify({ after: String(cursor) }) });
        }
      }
    } finally {
      release();
    }
  });
}
