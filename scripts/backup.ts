import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { type Config, databaseOptions } from "../api/config.js";
import { openDatabase, restoreEmbedded } from "../db/client.js";
import { DatabaseInUse } from "../db/owner-lock.js";

const ON_POSTGRES =
  "This service runs on a PostgreSQL server (DATABASE_URL): back it up with `pg_dump -Fc`, restore with `pg_restore` (README, Operations).";

/** Where the running server is reached from this machine. */
function serverUrl(config: Config, env: NodeJS.ProcessEnv): string {
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "127.0.0.1" : config.HOST;
  return (env.JCM_API_URL ?? `http://${host}:${config.PORT}`).replace(/\/$/, "");
}

/** The backup taken by the server that owns the database, through its API. */
async function backupThroughServer(config: Config, env: NodeJS.ProcessEnv, owned: DatabaseInUse): Promise<Blob> {
  const key = env.ADMIN_API_KEY;
  if (!key) {
    throw new Error(
      `${owned.message}\nTo back it up while it runs, set ADMIN_API_KEY to an admin key: the server then takes the backup.`,
    );
  }
  const url = `${serverUrl(config, env)}/v1/admin/backup`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.blob();
}

/**
 * `cli backup <file>`: the embedded database as a gzipped tar, the committed state at one instant.
 * With no server running, the CLI takes it itself; while a server owns the database, the server
 * takes it (`GET /v1/admin/backup`), so a backup never stops the service.
 */
export async function backup(file: string, config: Config, env: NodeJS.ProcessEnv): Promise<number> {
  const options = databaseOptions(config);
  if (options.kind !== "pglite") {
    console.error(ON_POSTGRES);
    return 2;
  }
  let archive: Blob;
  try {
    const database = await openDatabase(options);
    try {
      if (!database.backup) throw new Error("the embedded database cannot be backed up");
      archive = await database.backup();
    } finally {
      await database.close();
    }
  } catch (error) {
    if (!(error instanceof DatabaseInUse)) throw error;
    archive = await backupThroughServer(config, env, error);
  }
  // Written under another name and renamed, so a file of that name is always a whole backup.
  const partial = `${file}.partial`;
  writeFileSync(partial, Buffer.from(await archive.arrayBuffer()));
  renameSync(partial, file);
  console.log(JSON.stringify({ backup: file, bytes: archive.size }));
  return 0;
}

/** `cli restore <file>`: a backup into the empty DATA_DIR of this configuration. */
export async function restore(file: string, config: Config): Promise<number> {
  const options = databaseOptions(config);
  if (options.kind !== "pglite") {
    console.error(ON_POSTGRES);
    return 2;
  }
  await restoreEmbedded(options.dataDir, new Blob([readFileSync(file)]));
  console.log(JSON.stringify({ restored: file, dataDir: options.dataDir }));
  return 0;
}
