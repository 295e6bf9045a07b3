import cluster from "node:cluster";
import { loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { serveRequests } from "./serve.js";
import { superviseWorkers } from "./workers.js";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
const log = createLogger(config.LOG_LEVEL);

if (config.WORKERS > 1 && cluster.isPrimary) superviseWorkers(config, log);
else await serveRequests(config, log);
