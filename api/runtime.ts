import { randomBytes } from "node:crypto";
import type { Address, Hex } from "viem";
import { type Database, type Db, openDatabase } from "../db/client.js";
import { openReadReplica, type ReadReplica } from "../db/replica.js";
import { ensureAdminKey } from "./accounts/organizations.js";
import { type Config, chainSettings, databaseOptions, publicBaseUrl } from "./config.js";
import type { AppDeps } from "./http/env.js";
import { createRateLimits } from "./http/rate-limit.js";
import type { Logger } from "./ledger/ops/deps.js";

/**
 * Opens the configured database and assembles the real dependencies (clock, randomness, and the
 * chain mirror when it is configured; the mirror's loop is started by the caller).
 */
export async function openRuntime(
  config: Config,
  log: Logger,
  options: { chain: boolean } = { chain: true },
): Promise<{ database: Database; deps: AppDeps }> {
  const chain = options.chain ? chainSettings(config) : undefined;
  const clock = () => new Date();
  const random = (n: number) => randomBytes(n);
  // Processes starting together on one PostgreSQL register the admin key one after the other.
  const adminKey = config.ADMIN_API_KEY;
  const bootstrap = async (db: Db) => {
    if (adminKey) await ensureAdminKey({ db, clock, random, log }, adminKey);
  };
  const target = databaseOptions(config);
  const database = await openDatabase(target, bootstrap);
  const replica =
    config.DATABASE_READ_URL && target.kind === "postgres"
      ? openReadReplica({
          url: config.DATABASE_READ_URL,
          poolSize: target.poolSize,
          timeouts: target.timeouts,
          maxLagMs: config.DATABASE_READ_MAX_LAG_MS,
          primary: database.db,
          now: () => clock().getTime(),
        })
      : undefined;
  const deps: AppDeps = {
    db: database.db,
    clock,
    random,
    log,
    backup: database.backup,
    poolStats: database.poolStats,
    replica,
    limits: createRateLimits({
      publicPerMinute: config.RATE_LIMIT_PUBLIC_PER_MINUTE,
      authFailuresPerMinute: config.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
      trustProxy: config.TRUST_PROXY === "true",
    }),
    config: {
      maxBodyBytes: config.MAX_BODY_BYTES,
      maxImportBytes: config.MAX_IMPORT_BYTES,
      maxBatchBytes: config.MAX_BATCH_BYTES,
      statusBatchMaxParts: config.STATUS_BATCH_MAX_PARTS,
      journalSealMs: config.JOURNAL_SEAL_MS,
      publicBaseUrl: publicBaseUrl(config),
      metricsToken: config.METRICS_TOKEN,
      webhooks: { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE === "true", timeoutMs: config.WEBHOOK_TIMEOUT_MS },
    },
  };
  if (chain) {
    // Loaded only when configured: a server without the mirror never carries the EVM libraries in memory.
    const { ChainMirror } = await import("./chain/mirror.js");
    deps.mirror = await ChainMirror.open(deps, {
      rpcUrl: chain.rpcUrl,
      privateKey: chain.privateKey as Hex,
      contract: chain.contract as Address,
      confirmations: config.CHAIN_CONFIRMATIONS,
      pollMs: config.CHAIN_POLL_MS,
      startBlock: BigInt(config.CHAIN_START_BLOCK),
      reconcileEvery: config.CHAIN_RECONCILE_EVERY,
      stuckAfterMs: config.CHAIN_STUCK_AFTER_MS,
      leadership: database.leadership,
    });
  }
  return { database: replica ? withReplica(database, replica) : database, deps };
}

/** Closing the database closes the replica's pool with it. */
function withReplica(database: Database, replica: ReadReplica): Database {
  return {
    ...database,
    async close() {
      await replica.close();
      await database.close();
    },
  };
}
