import pino from "pino";
import type { Logger } from "./ledger/ops/deps.js";

/**
 * Structured JSON logs on stdout, each line with the process that wrote it (several serve one port
 * with `WORKERS`). Secrets never reach a log line: the auth header is not logged.
 */
export function createLogger(level: string): Logger & pino.Logger {
  return pino({ level, base: { service: "jcm-bridge", pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
