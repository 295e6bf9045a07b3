import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { is } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite, PgliteDatabase, PgliteTransaction } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { claimDataDir } from "./owner-lock.js";
import * as schema from "./schema.js";

export type Schema = typeof schema;
/** A database or an open transaction: queries take either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly kind: "pglite" | "postgres";
  readonly db: Db;
  close(): Promise<void>;
}

/**
 * Whether statements run inside this process (PGlite) and so hold its event loop while they run,
 * rather than on a server while the process serves other requests.
 */
export function runsInProcess(db: Db): boolean {
  return is(db, PgliteDatabase) || is(db, PgliteTransaction);
}

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

export type DatabaseOptions =
  | { kind: "pglite"; dataDir?: string | undefined; sharedBuffersMb?: number | undefined }
  | { kind: "postgres"; url: string; poolSize?: number | undefined };

/** Opens the database and brings its schema up to date. `dataDir` undefined = in memory. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === "pglite") {
    const release = options.dataDir ? claimDataDir(options.dataDir) : () => {};
    try {
      if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
      const client = await PGlite.create({
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        extensions: { btree_gist },
        // PGlite's allocator zero-fills the whole buffer pool at start, so its size is resident memory at once.
        ...(options.sharedBuffersMb
          ? { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${options.sharedBuffersMb}MB`] }
          : {}),
      });
      const db = drizzlePglite(client, { schema });
      const close = async () => {
        try {
          await client.close();
        } finally {
          release();
        }
      };
      try {
        await migratePglite(db, { migrationsFolder });
      } catch (error) {
        await close();
        throw error;
      }
      return { kind: "pglite", db, close };
    } catch (error) {
      release();
      throw error;
    }
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 20,
    connectionTimeoutMillis: 5_000,
    // Every query here is a short indexed lookup; JIT compiling one costs more than running it.
    options: "-c jit=off",
  });
  // A client that loses its server, idle or checked out, must not crash the process: the query in
  // flight fails (the request answers 503) and the pool discards the broken client.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = drizzlePg(pool, { schema });
  try {
    await migratePg(db, { migrationsFolder });
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { kind: "postgres", db, close: () => pool.end() };
}
