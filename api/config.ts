import { z } from "zod";
import { DEFAULT_TIMEOUTS } from "../db/client.js";

/** Every setting of the service, read once from the environment. See the README's table. */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  DATABASE_READ_MAX_LAG_MS: z.coerce.number().int().min(0).default(2_000),
  DATABASE_READ_PROBE_MS: z.coerce.number().int().min(50).default(500),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).default(DEFAULT_TIMEOUTS.lockMs),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(DEFAULT_TIMEOUTS.statementMs),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(DEFAULT_TIMEOUTS.idleInTransactionMs),
  PGLITE_SHARED_BUFFERS_MB: z.coerce.number().int().min(1).max(4096).default(64),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ADMIN_API_KEY: z.string().min(32, "must be at least 32 characters").max(200).optional(),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  MAX_BATCH_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(8 * 1024 * 1024),
  MAX_IMPORT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  STATUS_BATCH_MAX_PARTS: z.coerce.number().int().min(100).max(1_000_000).default(50_000),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  PUBLIC_BASE_URL: z.url().optional(),
  RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").max(200).optional(),
  WEBHOOK_ALLOW_PRIVATE: z.enum(["true", "false"]).default("false"),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(50).default(500),
  JOURNAL_SEAL_MS: z.coerce.number().int().min(100).default(1_000),
  CHAIN_RPC_URL: z.url().optional(),
  CHAIN_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex private key 0x…")
    .optional(),
  MIRROR_CONTRACT: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte hex address 0x…")
    .optional(),
  CHAIN_CONFIRMATIONS: z.coerce.number().int().min(0).max(1000).default(2),
  CHAIN_POLL_MS: z.coerce.number().int().min(100).default(2_000),
  CHAIN_START_BLOCK: z.coerce.number().int().min(0).default(0),
  CHAIN_RECONCILE_EVERY: z.coerce.number().int().min(1).default(15),
  CHAIN_STUCK_AFTER_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(10 * 60_000),
  CHAIN_WORKER: z.enum(["true", "false"]).default("true"),
});

const CHAIN_VARS = ["CHAIN_RPC_URL", "CHAIN_PRIVATE_KEY", "MIRROR_CONTRACT"] as const;

export type Config = z.infer<typeof Env>;

/** A setting is missing or wrong: the process stops and says which. */
export class InvalidConfiguration extends Error {
  constructor(lines: string) {
    super(`Invalid configuration:\n${lines}`);
    this.name = "InvalidConfiguration";
  }
}

/** One line per bad environment variable: `  NAME: what is wrong`. */
export function settingErrors(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const result = Env.safeParse(cleaned);
  if (!result.success) throw new InvalidConfiguration(settingErrors(result.error));
  if (result.data.DATABASE_READ_URL && !result.data.DATABASE_URL) {
    throw new InvalidConfiguration(
      "  DATABASE_READ_URL: needs DATABASE_URL too (a replica of a PostgreSQL primary; the embedded database has none)",
    );
  }
  if (result.data.WORKERS > 1 && !result.data.DATABASE_URL) {
    throw new InvalidConfiguration(
      "  WORKERS: more than 1 needs DATABASE_URL (the embedded database has one owner process)",
    );
  }
  return result.data;
}

/** The chain mirror's settings when all three are given, undefined when none is; a partial set is an error. */
export function chainSettings(config: Config): { rpcUrl: string; privateKey: string; contract: string } | undefined {
  const set = CHAIN_VARS.filter((v) => config[v] !== undefined);
  if (set.length === 0) return undefined;
  if (set.length < CHAIN_VARS.length) {
    const missing = CHAIN_VARS.filter((v) => config[v] === undefined);
    throw new InvalidConfiguration(
      `  ${missing.join(", ")}: needed too, since ${set.join(", ")} is set (the chain mirror needs all three)`,
    );
  }
  return {
    rpcUrl: config.CHAIN_RPC_URL ?? "",
    privateKey: config.CHAIN_PRIVATE_KEY ?? "",
    contract: config.MIRROR_CONTRACT ?? "",
  };
}

export function publicBaseUrl(config: Config): string {
  return (config.PUBLIC_BASE_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, "");
}

export function databaseOptions(config: Config) {
  return config.DATABASE_URL
    ? ({
        kind: "postgres",
        url: config.DATABASE_URL,
        poolSize: config.DATABASE_POOL_SIZE,
        timeouts: {
          lockMs: config.DATABASE_LOCK_TIMEOUT_MS,
          statementMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
          idleInTransactionMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
        },
      } as const)
    : ({
        kind: "pglite",
        dataDir: `${config.DATA_DIR}/pglite`,
        sharedBuffersMb: config.PGLITE_SHARED_BUFFERS_MB,
      } as const);
}
