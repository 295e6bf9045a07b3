import { timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { PoolStats } from "../../db/client.js";
import { rows } from "../../db/values.js";
import { chainStatus } from "../chain/mirror.js";
import { Forbidden, type LedgerError, Unauthenticated } from "../ledger/core/errors.js";
import type { AppDeps, AppEnv } from "./env.js";
import { clientAddress } from "./rate-limit.js";
import { setAside } from "./read-routing.js";

/**
 * What an operator alerts on, in Prometheus' text format (prom-client): requests and their latency
 * by route and status, refusals by code, the database pool, the webhook and chain outboxes, the
 * chain cursor, and how far the journal's sealing lags. Counters live in the process; the backlogs
 * are read from the database when scraped, a few indexed lookups.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"method" | "route" | "status">;
  private readonly latency: Histogram<"method" | "route" | "status">;
  private readonly refusals: Counter<"code" | "status">;

  constructor(deps: AppDeps) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: "jcm_http_requests_total",
      help: "HTTP requests answered, by route pattern and status",
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.latency = new Histogram({
      name: "jcm_http_request_duration_seconds",
      help: "Time to answer a request, by route pattern and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.refusals = new Counter({
      name: "jcm_ledger_refusals_total",
      help: "Requests refused with a problem document, by its code (serials_already_claimed, invalid_request, …)",
      labelNames: ["code", "status"],
      registers,
    });
    const gauge = (name: string, help: string, read: (r: Readings) => number | undefined) => {
      const g: Gauge = new Gauge({
        name,
        help,
        registers,
        collect: () => {
          const value = this.readings ? read(this.readings) : undefined;
          g.reset();
          if (value !== undefined) g.set(value);
        },
      });
    };
    gauge(
      "jcm_db_pool_connections",
      "PostgreSQL pool connections open (0 on the embedded database)",
      (r) => r.pool.total,
    );
    gauge("jcm_db_pool_idle", "PostgreSQL pool connections idle", (r) => r.pool.idle);
    gauge("jcm_db_pool_waiting", "Requests waiting for a PostgreSQL connection", (r) => r.pool.waiting);
    gauge("jcm_webhook_backlog", "Webhook deliveries not yet delivered", (r) => r.webhooks.count);
    gauge(
      "jcm_webhook_backlog_oldest_seconds",
      "Age of the oldest webhook delivery not yet delivered",
      (r) => r.webhooks.age,
    );
    gauge("jcm_chain_outbox_backlog", "Chain operations not yet confirmed", (r) => r.chainOutbox.count);
    gauge(
      "jcm_chain_outbox_oldest_seconds",
      "Age of the oldest chain operation not yet confirmed",
      (r) => r.chainOutbox.age,
    );
    gauge(
      "jcm_chain_last_block_seen",
      "The last block whose events the mirror applied (0 without a mirror)",
      (r) => r.lastBlockSeen ?? 0,
    );
    gauge(
      "jcm_chain_lag_blocks",
      "Blocks between the chain's head and the last block the mirror applied (absent until this process polls the chain)",
      (r) => r.chainLag,
    );
    gauge("jcm_chain_drift", "Differences between the chain and the ledger the reconciler found", (r) => r.drift);
    gauge("jcm_journal_unsealed_entries", "Journal entries not yet sealed into a Merkle root", (r) => r.unsealed);
    gauge("jcm_journal_seal_lag_seconds", "Age of the oldest journal entry not yet sealed", (r) => r.sealLag);
    gauge(
      "jcm_db_replica_lag_seconds",
      "How far the read replica was behind the primary at its last probe (+Inf while it is away, 0 without one)",
      (r) => r.replicaLag,
    );
    gauge(
      "jcm_db_replica_in_use",
      "1 while public reads go to the read replica, 0 while they go to the primary (and without a replica)",
      (r) => r.replicaUsable,
    );
    this.read = () => readings(deps);
  }

  private readings: Readings | undefined;
  private readonly read: () => Promise<Readings>;

  /** The text Prometheus reads: the backlogs read once for the whole answer, then every metric. */
  async scrape(): Promise<string> {
    this.readings = await this.read();
    return this.registry.metrics();
  }

  /** Counts and times every request; the route is the pattern that answered, so labels stay few. */
  observe(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      const started = performance.now();
      await next();
      // An answer of the replica that the primary answers again is not the client's: counting it would count one request twice.
      if (setAside(c.req.raw, c.res.status)) return;
      // The first route registered for a method is the handler that answered; middleware is registered for all.
      const route = matchedRoutes(c).find((r) => r.method !== "ALL")?.path ?? "unmatched";
      const labels = { method: c.req.method, route, status: String(c.res.status) };
      this.requests.inc(labels);
      this.latency.observe(labels, (performance.now() - started) / 1000);
    };
  }

  refused(error: LedgerError): void {
    this.refusals.inc({ code: error.code, status: String(error.status) });
  }
}

/**
 * `GET /metrics`: open to the machine itself (loopback), elsewhere only with `METRICS_TOKEN` as a
 * bearer token; without a token configured it is not served off the machine at all.
 */
export function metricsHandler(metrics: Metrics) {
  return async (c: Context<AppEnv>) => {
    const token = c.get("deps").config.metricsToken;
    const address = clientAddress(c, c.get("deps").limits.trustProxy);
    const loopback = address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
    if (!loopback) {
      if (token === undefined) throw new Forbidden("Metrics are served to the machine itself only (set METRICS_TOKEN)");
      const given = Buffer.from(c.req.header("authorization") ?? "");
      const expected = Buffer.from(`Bearer ${token}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new Unauthenticated("Metrics need Authorization: Bearer <METRICS_TOKEN>");
      }
    }
    return c.body(await metrics.scrape(), 200, { "content-type": metrics.registry.contentType });
  };
}

/** What the gauges report, read from the database and the process once per scrape. */
interface Readings {
  pool: PoolStats;
  webhooks: { count: number; age: number };
  chainOutbox: { count: number; age: number };
  lastBlockSeen: number | null;
  /** Undefined until this process has polled the chain (only the mirror's leader does). */
  chainLag: number | undefined;
  drift: number;
  unsealed: number;
  sealLag: number;
  /** Undefined without a replica. */
  replicaLag: number | undefined;
  replicaUsable: number | undefined;
}

async function readings(deps: AppDeps): Promise<Readings> {
  const now = sql`${deps.clock().toISOString()}::timestamptz`;
  const backlog = async (table: "webhook_deliveries" | "chain_outbox", pending: string) => {
    const [r] = await rows(
      deps.db,
      sql`SELECT count(*)::int AS n, extract(epoch FROM ${now} - min(created_at))::float8 AS age
          FROM ${sql.raw(table)} WHERE ${sql.raw(pending)}`,
    );
    return { count: Number(r?.n ?? 0), age: Number(r?.age ?? 0) };
  };
  const [sealing] = await rows(
    deps.db,
    sql`WITH s AS (SELECT coalesce((SELECT to_seq FROM journal_roots ORDER BY id DESC LIMIT 1), 0) AS sealed)
        SELECT (SELECT count(*) FROM journal WHERE seq > s.sealed)::int AS n,
               coalesce(extract(epoch FROM ${now} - (SELECT at FROM journal WHERE seq > s.sealed ORDER BY seq LIMIT 1)), 0)::float8 AS age
        FROM s`,
  );
  const chain = await chainStatus(deps.db, deps.mirror, deps.clock());
  const head = deps.mirror?.listener.lastHead;
  const replicaLag = deps.replica?.lagMs();
  return {
    pool: deps.poolStats?.() ?? { total: 0, idle: 0, waiting: 0 },
    webhooks: await backlog("webhook_deliveries", "status = 'pending'"),
    chainOutbox: await backlog("chain_outbox", "status <> 'confirmed'"),
    lastBlockSeen: chain.lastBlockSeen,
    chainLag: head !== undefined && chain.lastBlockSeen !== null ? Number(head) - chain.lastBlockSeen : undefined,
    drift: chain.drift.length,
    unsealed: Number(sealing?.n ?? 0),
    sealLag: Number(sealing?.age ?? 0),
    replicaLag: deps.replica && (replicaLag === undefined ? Number.POSITIVE_INFINITY : replicaLag / 1000),
    replicaUsable: deps.replica && (deps.replica.usable() ? 1 : 0),
  };
}
