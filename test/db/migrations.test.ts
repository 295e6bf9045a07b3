import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type Db, migrationsFolder } from "../../db/client.js";
import * as schema from "../../db/schema.js";
import { rows } from "../../db/values.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";
import { ADMIN_URL, urlFor } from "../helpers/postgres-setup.js";

/** The migrations up to and including `tag`, as a folder drizzle can apply. */
function migrationsUpTo(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), "jcm-migrations-"));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { idx: number; tag: string }[] };
  const last = journal.entries.find((e) => e.tag === tag)?.idx ?? -1;
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

/** A database with no schema at all, and a way to migrate it from a folder. */
async function emptyDatabase(): Promise<{ db: Db; migrate(folder: string): Promise<void>; close(): Promise<void> }> {
  if (dbKind === "pglite") {
    const client = await PGlite.create({ extensions: { btree_gist } });
    const db = drizzlePglite(client, { schema });
    return {
      db,
      migrate: (folder) => migratePglite(db, { migrationsFolder: folder }),
      close: () => client.close(),
    };
  }
  const name = `jcm_migrate_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const pool = new pg.Pool({ connectionString: urlFor(name), max: 2 });
  const db = drizzlePg(pool, { schema });
  return {
    db: db as unknown as Db,
    migrate: (folder) => migratePg(db, { migrationsFolder: folder }),
    async close() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

describe.runIf(databaseAvailable())("migrating a ledger that holds data", () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  it("gives registries their country's registry and scrubs key secrets from stored idempotent answers", async () => {
    const before = migrationsUpTo("0004_range_starts");
    folders.push(before);
    const database = await emptyDatabase();
    try {
      await database.migrate(before);
      const at = new Date().toISOString();
      await database.db.execute(sql`INSERT INTO organizations (id, name, role, country, created_at) VALUES
        ('org_reg', 'Registry', 'registry', 'JP', ${at}), ('org_admin', 'Admins', 'admin', NULL, ${at}),
        ('org_co', 'Company', 'company', 'JP', ${at})`);
      await database.db.execute(sql`INSERT INTO api_keys (id, organization_id, label, key_hash, created_at) VALUES
        ('key_admin', 'org_admin', NULL, 'h1', ${at}), ('key_new', 'org_co', 'erp', 'h2', ${at})`);
      const answer = JSON.stringify({
        id: "key_new",
        key: "jcmk_the-secret-that-was-stored",
        label: "erp",
        organizationId: "org_co",
        createdAt: at,
      });
      await database.db.execute(sql`INSERT INTO idempotency_keys (api_key_id, key, request_hash, status, content_type, body, created_at)
        VALUES ('key_admin', 'k1', 'hash', 201, 'application/json', ${answer}, ${at}),
               ('key_admin', 'k2', 'hash', 201, 'application/json', '{"id":"org_x","name":"key: jcmk_"}', ${at})`);

      await database.migrate(migrationsFolder);

      const orgs = await rows(database.db, sql`SELECT id, registries FROM organizations ORDER BY id`);
      expect(orgs).toEqual([
        { id: "org_admin", registries: [] },
        { id: "org_co", registries: [] },
        { id: "org_reg", registries: ["JP"] },
      ]);
      const stored = await rows(database.db, sql`SELECT key, body, created_key_id FROM idempotency_keys ORDER BY key`);
      expect(JSON.stringify(stored)).not.toContain("the-secret-that-was-stored");
      expect(stored[0]?.created_key_id).toBe("key_new");
      expect(JSON.parse(String(stored[0]?.body))).toMatchObject({ id: "key_new", key: null, secretShown: false });
      expect(stored[1]).toMatchObject({ body: '{"id":"org_x","name":"key: jcmk_"}', created_key_id: null });
    } finally {
      await database.close();
    }
  });
});
