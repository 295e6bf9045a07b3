import cluster, { type Worker } from "node:cluster";
import type { Config } from "./config.js";
import type { Logger } from "./ledger/ops/deps.js";

/** A worker that exits this way before it listens cannot start at all (a bad setting, a taken port): retrying would loop. */
const CANNOT_START = new Set([1, 2]);
/** Unexpected exits within this window slow the next restart down. */
const CRASH_WINDOW_MS = 60_000;

/**
 * `WORKERS=n`: n serving processes behind one port (Node's cluster: this process accepts the
 * connections and hands them out in turn), sharing one PostgreSQL. Every worker runs the
 * background tasks, and the database lets one do each piece of work: one sealer at a time (an
 * advisory lock), webhook deliveries leased with SKIP LOCKED, the chain mirror to the leader of its
 * bridge key. A worker that dies is replaced, later each time it keeps dying; a signal stops every
 * worker the clean way and this process exits once they have.
 */
export function superviseWorkers(config: Config, log: Logger): void {
  let stopping = false;
  let exitCode = 0;
  const listening = new WeakSet<Worker>();
  const crashes: number[] = [];
  const fork = () => {
    const worker = cluster.fork();
    worker.on("listening", () => listening.add(worker));
  };
  cluster.on("exit", (worker, code, signal) => {
    const left = Object.keys(cluster.workers ?? {}).length;
    if (stopping) {
      if (left === 0) {
        log.info({}, "every worker stopped");
        process.exit(exitCode);
      }
      return;
    }
    if (!listening.has(worker) && code !== null && CANNOT_START.has(code)) {
      log.error({ pid: worker.process.pid, code }, "a worker cannot start; stopping the others");
      stopping = true;
      exitCode = code;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill("SIGTERM");
      if (left === 0) process.exit(code);
      return;
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && (crashes[0] ?? now) < now - CRASH_WINDOW_MS) crashes.shift();
    const delayMs = Math.min(30_000, 250 * 2 ** (crashes.length - 1));
    log.error({ pid: worker.process.pid, code, signal, restartInMs: delayMs }, "a worker died; starting another");
    setTimeout(() => stopping || fork(), delayMs);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping every worker");
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  log.info({ workers: config.WORKERS }, "jcm-bridge starting its workers");
  for (let i = 0; i < config.WORKERS; i++) fork();
}
