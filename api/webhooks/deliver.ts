import { sql } from "drizzle-orm";
import type { Dispatcher } from "undici";
import { arrayParam, big, date, type Row, rows, str } from "../../db/values.js";
import { rootMessage } from "../ledger/core/errors.js";
import { eventOf, type LedgerEvent } from "../ledger/journal/events.js";
import { JOURNAL_COLUMNS, journalFromRow } from "../ledger/journal/journal.js";
import type { Deps } from "../ledger/ops/deps.js";
import { signature } from "./signature.js";
import { urlProblem } from "./targets.js";

/**
 * The delivery worker: takes due deliveries from the outbox and POSTs each event, signed, to its
 * webhook. A delivery is leased before it is sent (its next attempt moved past the send's
 * timeout, in the statement that takes it, with `SKIP LOCKED`), so processes sharing a database
 * never send one at the same time, and one that dies mid-send leaves it to be sent again when the
 * lease ends: at least once, with the event's id for the receiver to drop repeats.
 */
export interface DeliverySettings {
  allowPrivate: boolean;
  timeoutMs: number;
  /** The connections deliveries go through (`webhookAgent`). */
  agent: Dispatcher;
  /** Deliveries taken per run. */
  batch?: number;
}

const DEFAULT_BATCH = 50;
/** Runs in a row at most, before the worker yields to its next tick. */
const MAX_RUNS = 20;

/** What the background task does each tick: runs until the due deliveries are sent (a backlog drains at once). */
export async function deliverBacklog(deps: Deps, s: DeliverySettings): Promise<void> {
  const batch = s.batch ?? DEFAULT_BATCH;
  for (let run = 0; run < MAX_RUNS; run++) {
    if ((await deliverDue(deps, { ...s, batch })).taken < batch) return;
  }
}

/** A receiver's answer is kept up to this many bytes: enough to say why it refused. */
const RESPONSE_BYTES = 1024;
const FIRST_RETRY_MS = 5_000;
const LONGEST_RETRY_MS = 60 * 60_000;

/** The wait before attempt `attempts + 1`: doubling from 5 s to an hour, each drawn in its upper half. */
function retryDelayMs(attempts: number, random: number): number {
  const full = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);
  return Math.round(full * (0.5 + random / 2));
}

interface Attempt {
  id: string;
  webhookId: string;
  url: string;
  secret: string;
  seq: bigint;
  attempts: number;
  retryUntil: Date;
}

/** Leases up to `batch` due deliveries of active webhooks, in one statement. */
async function lease(deps: Deps, batch: number, leaseMs: number): Promise<Attempt[]> {
  const now = deps.clock();
  const found = await rows(
    deps.db,
    sql`WITH due AS (
          SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id AND w.status = 'active'
          WHERE d.status = 'pending' AND d.next_attempt_at <= ${now.toISOString()}::timestamptz
          ORDER BY d.next_attempt_at LIMIT ${batch}
          FOR UPDATE OF d SKIP LOCKED)
        UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, last_attempt_at = ${now.toISOString()}::timestamptz,
            next_attempt_at = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
        FROM due, webhooks w
        WHERE d.id = due.id AND w.id = d.webhook_id
        RETURNING d.id, d.webhook_id, d.event_seq::text AS seq, d.attempts, d.retry_until, w.url, w.secret`,
  );
  return found.map((r: Row) => ({
    id: str(r.id),
    webhookId: str(r.webhook_id),
    url: str(r.url),
    secret: str(r.secret),
    seq: big(r.seq),
    attempts: Number(r.attempts),
    retryUntil: date(r.retry_until),
  }));
}

interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
  response: string | null;
}

/** The first bytes of a body, as text a database can store (no NUL, no broken character at the end). */
async function firstBytes(body: ReadableStream<Uint8Array> | null): Promise<string | null> {
  if (!body) return null;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_BYTES) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = Buffer.concat(chunks).subarray(0, RESPONSE_BYTES);
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes, { stream: true }).replaceAll("\u0000", "");
}

async function send(a: Attempt, event: LedgerEvent, s: DeliverySettings, now: Date): Promise<Outcome> {
  const problem = urlProblem(a.url, s.allowPrivate);
  if (problem) return { ok: false, status: null, error: `url ${problem}`, response: null };
  const body = JSON.stringify(event);
  const t = Math.floor(now.getTime() / 1000);
  try {
    const res = await fetch(a.url, {
      method: "POST",
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(s.timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "jcm-bridge-webhooks/1",
        "webhook-id": event.id,
        "webhook-timestamp": String(t),
        "webhook-signature": signature(a.secret, t, body),
      },
      // Node's fetch takes undici's dispatcher; the DOM type does not name it.
      ...({ dispatcher: s.agent } as object),
    });
    const response = await firstBytes(res.body);
    const ok = res.status >= 200 && res.status < 300;
    const error = ok ? null : res.status >= 300 && res.status < 400 ? "redirects are not followed" : null;
    return { ok, status: res.status, error, response };
  } catch (error) {
    return { ok: false, status: null, error: rootMessage(error).slice(0, 500), response: null };
  }
}

/** Records an attempt, unless a newer attempt of the same delivery was taken meanwhile. */
async function record(deps: Deps, a: Attempt, o: Outcome): Promise<"delivered" | "retry" | "failed"> {
  const now = deps.clock();
  const stamp = sql`${now.toISOString()}::timestamptz`;
  const seen = sql`last_status = ${o.status}::int, last_error = ${o.error}::text, last_response = ${o.response}::text`;
  const mine = sql`id = ${a.id} AND attempts = ${a.attempts}`;
  if (o.ok) {
    await deps.db.execute(
      sql`UPDATE webhook_deliveries SET status = 'delivered', delivered_at = ${stamp}, ${seen} WHERE ${mine}`,
    );
    return "delivered";
  }
  if (now >= a.retryUntil) {
    const reason = `deliveries kept failing for 24 hours; the last attempt: ${o.status ?? o.error ?? "no answer"}`;
    await deps.db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE webhook_deliveries SET status = 'failed', ${seen} WHERE ${mine}`);
      await tx.execute(
        sql`UPDATE webhooks SET status = 'disabled', disabled_at = ${stamp}, disabled_reason = ${reason}
            WHERE id = ${a.webhookId} AND status = 'active'`,
      );
    });
    return "failed";
  }
  const random = (deps.random(1)[0] ?? 0) / 255;
  const next = new Date(now.getTime() + retryDelayMs(a.attempts, random)).toISOString();
  await deps.db.execute(
    sql`UPDATE webhook_deliveries SET next_attempt_at = ${next}::timestamptz, ${seen} WHERE ${mine}`,
  );
  return "retry";
}

/** One run of the worker: what it sent and what became of it. */
export async function deliverDue(
  deps: Deps,
  s: DeliverySettings,
): Promise<{ taken: number; delivered: number; retry: number; failed: number }> {
  const taken = await lease(deps, s.batch ?? DEFAULT_BATCH, s.timeoutMs * 2);
  const counts = { taken: taken.length, delivered: 0, retry: 0, failed: 0 };
  if (taken.length === 0) return counts;
  const entries = await rows(
    deps.db,
    sql`SELECT ${JOURNAL_COLUMNS} FROM journal j WHERE j.seq = ANY(${arrayParam(
      taken.map((a) => a.seq),
      "int8",
    )})`,
  );
  // Every delivery is of an event (the outbox queues nothing else), so each entry read is one.
  const events = new Map(entries.map(journalFromRow).map((e) => [e.seq, eventOf(e) as LedgerEvent]));
  await Promise.all(
    taken.map(async (a) => {
      const event = events.get(a.seq) as LedgerEvent;
      counts[await record(deps, a, await send(a, event, s, deps.clock()))] += 1;
    }),
  );
  return counts;
}
