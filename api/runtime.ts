import { randomBytes } from "node:crypto";
import type { Address, Hex } from "viem";
import { type Database, openDatabase } from "../db/client.js";
import { ensureAdminKey } from "./accounts/organizations.js";
import { ChainMirror } from "./chain/mirror.js";
import { type Config, databaseOptions, publicBaseUrl } from "./config.js";
import type { AppDeps } from "./http/env.js";
import type { Logger } from "./ledger/deps.js";

/**
 * Opens the configured database and assembles the real dependencies (clock, randomness, and the
 * chain mirror when it is configured; the mirror's loop is started by the caller).
 */
export async function openRuntime(config: Config, log: Logger): Promise<{ database: Database; deps: AppDeps }> {
  const database = await openDatabase(databaseOptions(config));
  const deps: AppDeps = {
    db: database.db,
    clock: () => new Date(),
    random: (n) => randomBytes(n),
    log,
    config: {
      maxBodyBytes: config.MAX_BODY_BYTES,
      maxImportBytes: config.MAX_IMPORT_BYTES,
      publicBaseUrl: publicBaseUrl(config),
    },
  };
  if (config.ADMIN_API_KEY) await ensureAdminKey(deps, config.ADMIN_API_KEY);
  if (config.CHAIN_RPC_URL && config.CHAIN_PRIVATE_KEY && config.MIRROR_CONTRACT) {
    deps.mirror = await ChainMirror.open(deps, {
      rpcUrl: config.CHAIN_RPC_URL,
      privateKey: config.CHAIN_PRIVATE_KEY as Hex,
      contract: config.MIRROR_CONTRACT as Address,
      confirmations: config.CHAIN_CONFIRMATIONS,
      pollMs: config.CHAIN_POLL_MS,
      startBlock: BigInt(config.CHAIN_START_BLOCK),
      reconcileEvery: config.CHAIN_RECONCILE_EVERY,
    });
  }
  return { database, deps };
}
