import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { type Database, openDatabase, type Timeouts } from "../../db/client.js";
import { ADMIN_URL, urlFor } from "./postgres-setup.js";

export const dbKind = (process.env.TEST_DB ?? "pglite") as "pglite" | "postgres";

/** Whether this run can use the database it is meant for (PostgreSQL may be absent off CI). */
export function databaseAvailable(): boolean {
  return dbKind === "pglite" || inject("postgresTemplate") !== null;
}

/** A fresh, migrated database for one test file; on PostgreSQL also its URL, for a second process's pool. */
export async function freshDatabase(poolSize = 20, timeouts?: Timeouts): Promise<Database & { url?: string }> {
  if (dbKind === "pglite") return openDatabase({ kind: "pglite" });
  const template = inject("postgresTemplate");
  if (!template) throw new Error("PostgreSQL is not available for this run");
  const name = `${template}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ kind: "postgres", url: urlFor(name), poolSize, timeouts });
  return {
    ...database,
    url: urlFor(name),
    async close() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
