import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { every } from "./background.js";
import { loadConfig } from "./config.js";
import { sealJournal } from "./ledger/seal.js";
import { createLogger } from "./logger.js";
import { openRuntime } from "./runtime.js";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
const log = createLogger(config.LOG_LEVEL);
const { database, deps } = await openRuntime(config, log).catch((error: unknown) => {
  log.fatal({ err: error }, "cannot start: the database or the chain is unavailable, or a setting is wrong");
  process.exit(1);
});
const app = createApp(deps);
deps.mirror?.start();
const sealer = every(config.JOURNAL_SEAL_MS, () => sealJournal(deps), log, "journal sealing");
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info: AddressInfo) => {
  log.info(
    {
      url: `http://${info.address}:${info.port}`,
      database: database.kind,
      chainMirror: deps.mirror
        ? { chainId: deps.mirror.chain.chainId, contract: deps.mirror.chain.contract }
        : "disabled",
    },
    "jcm-bridge listening",
  );
});

let stopping = false;
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
  await sealer.stop();
  await deps.mirror?.stop();
  await database.close();
  log.info({}, "stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
