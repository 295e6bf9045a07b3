import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { DatabaseInUse } from "../db/owner-lock.js";
import { createApp } from "./app.js";
import { every } from "./background.js";
import { type Config, databaseOptions, InvalidConfiguration } from "./config.js";
import type { AppDeps } from "./http/env.js";
import { problem } from "./http/problem.js";
import { rootMessage } from "./ledger/core/errors.js";
import { sealJournal } from "./ledger/journal/seal.js";
import type { createLogger } from "./logger.js";
import { openRuntime } from "./runtime.js";
import { deliverBacklog } from "./webhooks/deliver.js";
import { webhookAgent } from "./webhooks/targets.js";

/** PGlite has no autovacuum: without a periodic ANALYZE its plans drift as the ledger grows. */
const EMBEDDED_ANALYZE_MS = 10 * 60_000;

interface Running {
  database: Database;
  deps: AppDeps;
  background: { stop(): Promise<void> }[];
  fetch: ReturnType<typeof createApp>["fetch"];
}

/** While the database (or chain) cannot be reached, every request gets a clear 503, not a crash loop. */
const unavailable = () =>
  new Response(
    JSON.stringify(problem(503, "service_unavailable", "The database is unavailable", "Try again shortly")),
    {
      status: 503,
      headers: { "content-type": "application/problem+json", "retry-after": "5" },
    },
  );

/**
 * One serving process: opens the database (retrying while it is away, answering 503 meanwhile),
 * serves the API and pages, runs the background tasks, and stops cleanly on SIGTERM or SIGINT.
 */
export async function serveRequests(config: Config, log: ReturnType<typeof createLogger>): Promise<void> {
  async function open(): Promise<Running> {
    const { database, deps } = await openRuntime(config, log);
    const app = createApp(deps);
    if (config.CHAIN_WORKER === "true") deps.mirror?.start();
    else if (deps.mirror)
      log.info({}, "chain mirror worker off (CHAIN_WORKER=false): this process only queues operations");
    const { allowPrivate, timeoutMs } = deps.config.webhooks;
    const delivery = { allowPrivate, timeoutMs, agent: webhookAgent(allowPrivate, timeoutMs) };
    const background = [
      every(config.JOURNAL_SEAL_MS, () => sealJournal(deps), log, "journal sealing"),
      every(config.WEBHOOK_POLL_MS, () => deliverBacklog(deps, delivery), log, "webhook deliveries"),
    ];
    const { replica } = deps;
    if (replica) {
      background.push(every(config.DATABASE_READ_PROBE_MS, () => replica.probe(), log, "read replica probe", 0));
    }
    if (database.kind === "pglite") {
      background.push(every(EMBEDDED_ANALYZE_MS, () => database.db.execute(sql`ANALYZE`), log, "statistics refresh"));
    }
    return { database, deps, background, fetch: app.fetch };
  }

  let stopping = false;
  let running: Running | undefined;

  let firstAttempt: () => void = () => {};
  const firstAttemptDone = new Promise<void>((resolve) => {
    firstAttempt = resolve;
  });

  async function openWithRetry(): Promise<void> {
    for (let attempt = 1; !stopping; attempt++) {
      try {
        running = await open();
        log.info({ database: running.database.kind, attempts: attempt }, "jcm-bridge ready");
        firstAttempt();
        return;
      } catch (error) {
        firstAttempt();
        if (error instanceof InvalidConfiguration) {
          log.fatal({ error: error.message }, "cannot start: a setting is wrong");
          process.exit(2);
        }
        if (error instanceof DatabaseInUse) {
          log.fatal({ error: error.message, owner: error.owner }, "cannot start: the embedded database has an owner");
          console.error(error.message);
          process.exit(1);
        }
        const message = rootMessage(error);
        const retryInMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
        log.error({ error: message, retryInMs }, "cannot reach the database or the chain; answering 503 and retrying");
        await new Promise((resolve) => setTimeout(resolve, retryInMs));
      }
    }
  }

  const starting = openWithRetry();
  await firstAttemptDone;

  const server = serve(
    {
      fetch: (request, env) => (running ? running.fetch(request, env) : unavailable()),
      port: config.PORT,
      hostname: config.HOST,
    },
    (info: AddressInfo) => {
      const mirror = running?.deps.mirror;
      log.info(
        {
          url: `http://${info.address}:${info.port}`,
          pid: process.pid,
          database: databaseOptions(config).kind,
          ready: running !== undefined,
          chainMirror: mirror ? { chainId: mirror.chain.chainId, contract: mirror.chain.contract } : "disabled",
        },
        "jcm-bridge listening",
      );
    },
  );

  server.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EADDRINUSE" && error.code !== "EACCES") throw error;
    const why = error.code === "EADDRINUSE" ? "is in use by another process" : "may not be used by this user";
    const message = `Port ${config.PORT} on ${config.HOST} ${why}: stop that process or set PORT to another port.`;
    log.fatal({ error: message }, "cannot start: the port is taken");
    console.error(message);
    process.exit(1);
  });

  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: no new connections, finishing requests in flight");
    const force = setTimeout(() => {
      log.warn({}, "requests still running after the shutdown timeout; closing anyway");
      if ("closeAllConnections" in server) server.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ("closeIdleConnections" in server) server.closeIdleConnections();
    });
    await starting;
    if (running) {
      await Promise.all(running.background.map((task) => task.stop()));
      await running.deps.mirror?.stop();
      await running.database.close();
    }
    log.info({}, "stopped");
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
