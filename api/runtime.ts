import { randomBytes } from "node:crypto";
import { type Database, openDatabase } from "../db/client.js";
import { ensureAdminKey } from "./accounts/organizations.js";
import { type Config, databaseOptions } from "./config.js";
import type { AppDeps } from "./http/env.js";
import type { Logger } from "./ledger/deps.js";

/** Opens the configured database and assembles the real dependencies (clock, randomness). */
export async function openRuntime(config: Config, log: Logger): Promise<{ database: Database; deps: AppDeps }> {
  const database = await openDatabase(databaseOptions(config));
  const deps: AppDeps = {
    db: database.db,
    clock: () => new Date(),
    random: (n) => randomBytes(n),
    log,
    config: { maxBodyBytes: config.MAX_BODY_BYTES, maxImportBytes: config.MAX_IMPORT_BYTES },
  };
  if (config.ADMIN_API_KEY) await ensureAdminKey(deps, config.ADMIN_API_KEY);
  return { database, deps };
}
