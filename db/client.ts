import { fork } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { is } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite, PgliteDatabase, PgliteTransaction } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { ALWAYS_LEADING, type Leadership, poolLeadership } from "./leader.js";
import { claimDataDir } from "./owner-lock.js";
import * as schema from "./schema.js";

export type Schema = typeof schema;
/** A database or an open transaction: queries take either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly kind: "pglite" | "postgres";
  readonly db: Db;
  /** Who among the processes sharing this database does the work named `name` (`leader.ts`). */
  leadership(name: string): Leadership;
  /**
   * The embedded database's whole directory as a gzipped tar, taken while no transaction is half
   * done (the committed state at one instant); absent on PostgreSQL, whose own `pg_dump` does this.
   */
  backup?: () => Promise<Blob>;
  /** Connections of the PostgreSQL pool: open, idle, and requests waiting for one (absent on PGlite). */
  poolStats?: () => PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * Whether statements run inside this process (PGlite) and so hold its event loop while they run,
 * rather than on a server while the process serves other requests.
 */
export function runsInProcess(db: Db): boolean {
  return is(db, PgliteDatabase) || is(db, PgliteTransaction);
}

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/** Bounds on every wait of a serving connection, in milliseconds (0: none). */
export interface Timeouts {
  /** Waiting for a row or advisory lock another transaction holds. */
  lockMs: number;
  /** Running one statement. */
  statementMs: number;
  /** A transaction left open and idle (a frozen process): the server ends its session and frees its locks. */
  idleInTransactionMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { lockMs: 5_000, statementMs: 60_000, idleInTransactionMs: 15_000 };

export type DatabaseOptions =
  | { kind: "pglite"; dataDir?: string | undefined; sharedBuffersMb?: number | undefined }
  | { kind: "postgres"; url: string; poolSize?: number | undefined; timeouts?: Timeouts | undefined };

/** The advisory lock (namespace "JCM" 2) under which one process at a time migrates the schema and bootstraps. */
const STARTUP_LOCK = 0x4a434d02;

/**
 * Brings the schema up to date and runs `setup` on its own session, holding the startup lock, so
 * that processes starting together migrate and bootstrap one after the other. The session has no
 * statement timeout: a migration may build an index over a large ledger.
 */
async function migrateServer(url: string, setup: (db: Db) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1, 0)", [STARTUP_LOCK]);
    const db = drizzlePg(client, { schema });
    await migratePg(db, { migrationsFolder });
    await setup(db);
  } finally {
    // Ending the session frees its advisory lock.
    await client.end();
  }
}

/**
 * Restores an embedded database from a backup into `dataDir`, which must not hold one yet; the
 * restored ledger is then opened, so its schema is brought up to date like any other.
 */
export async function restoreEmbedded(dataDir: string, archive: Blob): Promise<void> {
  const release = claimDataDir(dataDir);
  try {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} already holds a database; restore into an empty DATA_DIR`);
    }
    mkdirSync(dataDir, { recursive: true });
    const client = await PGlite.create({ dataDir, loadDataDir: archive, extensions: EMBEDDED_EXTENSIONS });
    await client.close();
  } finally {
    release();
  }
  const restored = await openDatabase({ kind: "pglite", dataDir });
  await restored.close();
}

/** A pool of serving connections to a PostgreSQL server, each with the bounded waits of `timeouts`. */
export function serverPool(url: string, size: number, timeouts: Timeouts, settings: string[] = []): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    connectionTimeoutMillis: 5_000,
    // Every query here is a short indexed lookup; JIT compiling one costs more than running it.
    options: [
      "-c jit=off",
      `-c lock_timeout=${timeouts.lockMs}`,
      `-c statement_timeout=${timeouts.statementMs}`,
      `-c idle_in_transaction_session_timeout=${timeouts.idleInTransactionMs}`,
      ...settings,
    ].join(" "),
  });
  // A client that loses its server, idle or checked out, must not crash the process: the query in
  // flight fails (the request answers 503) and the pool discards the broken client.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

const EMBEDDED_EXTENSIONS = { btree_gist, pg_trgm };

/** Creates an embedded database in `dataDir` with its schema up to date (`create-embedded.ts`). */
export async function createEmbedded(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir, extensions: EMBEDDED_EXTENSIONS });
  try {
    await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
  } finally {
    await client.close();
  }
}

/**
 * Creates the embedded database in a child process, which exits when it is done: initdb inside
 * PGlite leaves the process that ran it holding memory a reopened database does not need.
 */
async function createInChild(dataDir: string): Promise<void> {
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  // Compiled, the sibling is JavaScript; from the sources (tests, scripts), tsx runs it.
  const child = fork(join(dirname(here), `create-embedded${ext}`), [dataDir], {
    execArgv: ext === ".ts" ? ["--import", "tsx"] : [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  if (code !== 0) throw new Error(`creating the embedded database in ${dataDir} failed (${signal ?? `exit ${code}`})`);
}

/**
 * Opens the database and brings its schema up to date, then runs `setup` (an admin key's
 * bootstrap) before any other process starting beside this one does. `dataDir` undefined = in memory.
 */
export async function openDatabase(
  options: DatabaseOptions,
  setup: (db: Db) => Promise<void> = async () => {},
): Promise<Database> {
  if (options.kind === "pglite") {
    const release = options.dataDir ? claimDataDir(options.dataDir) : () => {};
    try {
      if (options.dataDir && !existsSync(join(options.dataDir, "PG_VERSION"))) await createInChild(options.dataDir);
      const client = await PGlite.create({
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        extensions: EMBEDDED_EXTENSIONS,
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
        await setup(db);
      } catch (error) {
        await close();
        throw error;
      }
      // Transactions take their own lock before their statements take the query lock, which the
      // dump takes: holding an (empty) transaction around it keeps every other one out.
      const backup = () => client.transaction(async () => client.dumpDataDir("gzip"));
      return { kind: "pglite", db, leadership: () => ALWAYS_LEADING, backup, close };
    } catch (error) {
      release();
      throw error;
    }
  }
  await migrateServer(options.url, setup);
  const pool = serverPool(options.url, options.poolSize ?? 20, options.timeouts ?? DEFAULT_TIMEOUTS);
  // A lead holds a session of the pool, which the pool waits for when it ends: closing gives the leads up first.
  const leads: Leadership[] = [];
  return {
    kind: "postgres",
    db: drizzlePg(pool, { schema }),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    leadership: (name) => {
      const lead = poolLeadership(pool, name);
      leads.push(lead);
      return lead;
    },
    async close() {
      await Promise.all(leads.map((lead) => lead.release()));
      await pool.end();
    },
  };
}
