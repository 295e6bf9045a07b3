import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { issuanceIdOf } from "../../api/ledger/core/ids.js";
import { auditLedger } from "../../api/ledger/journal/audit.js";
import {
  type JournalEntry,
  type JournalInput,
  type JournalKind,
  journalRowInserts,
  prepareJournal,
} from "../../api/ledger/journal/journal.js";
import { type Db, migrationsFolder } from "../../db/client.js";
import * as schema from "../../db/schema.js";
import { rows, writeTogether } from "../../db/values.js";
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
    const client = await PGlite.create({ extensions: { btree_gist, pg_trgm } });
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
      // A pool's clients leave after end() resolves; one still connected when the database is
      // dropped would be told so in an error nobody listens to.
      for (let i = 0; i < 200; i++) {
        const left = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
        if (left.rows[0]?.n === 0) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
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

  it("turns reports of kind authorization into authorization records that the journal's replay agrees with", async () => {
    const before = migrationsUpTo("0006_contiguous_roots");
    folders.push(before);
    const database = await emptyDatabase();
    try {
      await database.migrate(before);
      const db = database.db;
      const at = new Date("2025-03-01T00:00:00Z");
      await db.execute(sql`INSERT INTO organizations (id, name, role, country, created_at) VALUES
        ('org_mn', 'Mongolia', 'government', 'MN', ${at}), ('org_reg', 'Registry', 'registry', 'JP', ${at}),
        ('org_co', 'Company', 'company', 'JP', ${at})`);
      await db.execute(sql`INSERT INTO projects (ref, title, host_country, methodology, created_at)
        VALUES ('MN006', 'Solar', 'MN', 'MN_AM003', ${at})`);
      const [iss] = await rows(
        db,
        sql`INSERT INTO issuances (project_ref, registry, vintage, monitoring_start, monitoring_end, serials, created_by, created_at)
            VALUES ('MN006', 'JP', 2020, '2020-01-01', '2020-12-31', int8range(1, 100, '[]'), 'org_reg', ${at}) RETURNING id::text AS id`,
      );
      const id = issuanceIdOf(String(iss?.id));
      const units = (s: number, e: number) => ({
        serial: `JCM-JP-MN006-2020-${s}-${e}`,
        range: { issuanceId: id, start: BigInt(s), end: BigInt(e) },
      });
      const entry = (
        kind: JournalKind,
        actor: string,
        u: ReturnType<typeof units>[],
        details: Record<string, unknown>,
      ) => ({
        chain: `iss:${id}`,
        kind,
        actor,
        at,
        serials: u.map((x) => x.serial),
        ranges: u.map((x) => x.range),
        details,
      });
      // The history the previous version wrote: two authorizations under one reference (the second
      // overlapping the first), an adjustment, a deposit and a compensation claim. Written as that
      // version wrote its journal: the entries and their ranges (no webhook outbox yet).
      const inputs: JournalInput[] = [
        {
          chain: "project:MN006",
          kind: "project.created",
          actor: "org_reg",
          at,
          serials: [],
          ranges: [],
          details: { ref: "MN006", hostCountry: "MN" },
        },
        entry("issuance.created", "org_reg", [units(1, 100)], { issuanceId: `iss_${id}`, projectRef: "MN006" }),
        entry("government_report.authorization", "org_mn", [units(1, 50)], {
          reportId: "rpt_a",
          party: "MN",
          kind: "authorization",
        }),
        entry("government_report.authorization", "org_mn", [units(41, 60)], {
          reportId: "rpt_b",
          party: "MN",
          kind: "authorization",
        }),
        entry("government_report.corresponding_adjustment", "org_mn", [units(1, 30)], {
          reportId: "rpt_c",
          party: "MN",
        }),
        entry("deposit", "org_reg", [units(1, 30)], { to: "org_co" }),
        entry("claim", "org_co", [units(1, 10)], {
          claimId: "clm_1",
          claimant: "org_co",
          claimType: "compensation",
          quantity: 10,
        }),
      ];
      const entries = await prepareJournal(db, inputs, { newChains: true });
      const ranges = inputs.flatMap((input, i) =>
        input.ranges.map((r) => ({ ...r, seq: (entries[i] as JournalEntry).seq })),
      );
      await writeTogether(db, journalRowInserts(entries, ranges));
      const seq = (i: number) => entries[i]?.seq ?? 0n;
      await db.execute(sql`INSERT INTO government_reports (id, organization_id, party, kind, year, reference, serials, quantity, journal_seq, created_at) VALUES
        ('rpt_a', 'org_mn', 'MN', 'authorization', 2025, 'MN-LoA-1', ${"{JCM-JP-MN006-2020-1-50}"}, 50, ${seq(2)}, ${at}),
        ('rpt_b', 'org_mn', 'MN', 'authorization', 2025, 'MN-LoA-1', ${"{JCM-JP-MN006-2020-41-60}"}, 20, ${seq(3)}, ${at}),
        ('rpt_c', 'org_mn', 'MN', 'corresponding_adjustment', 2025, 'MN-CA-1', ${"{JCM-JP-MN006-2020-1-30}"}, 30, ${seq(4)}, ${at})`);
      await db.execute(sql`INSERT INTO claims (id, claimant_id, beneficiary_name, beneficiary_country, claim_type, purpose, period_start,
          period_end, serials, quantity, host_countries, journal_seq, journal_hash, created_at)
        VALUES ('clm_1', 'org_co', 'Ｓａｋｕｒａ  Foods', 'JP', 'compensation', 'offset', '2025-01-01', '2025-12-31', ${"{JCM-JP-MN006-2020-1-10}"}, 10,
          ${"{MN}"}, ${seq(6)}, ${entries[6]?.hash ?? ""}, ${at})`);
      await db.execute(
        sql`INSERT INTO use_ranges (issuance_id, serials, claim_id) VALUES (${id}, int8range(1, 10, '[]'), 'clm_1')`,
      );
      await db.execute(sql`INSERT INTO segments (issuance_id, serials, state, holder, claim_id, authorized, corresponding_adjustment) VALUES
        (${id}, int8range(1, 10, '[]'), 'claimed', 'org_co', 'clm_1', true, true),
        (${id}, int8range(11, 30, '[]'), 'held', 'org_co', NULL, true, true),
        (${id}, int8range(31, 60, '[]'), 'in_registry', NULL, NULL, true, false),
        (${id}, int8range(61, 100, '[]'), 'in_registry', NULL, NULL, false, false)`);

      await database.migrate(migrationsFolder);

      expect(await rows(db, sql`SELECT id, party, reference FROM authorizations ORDER BY id`)).toEqual([
        { id: "auz_a", party: "MN", reference: "MN-LoA-1" },
        { id: "auz_b", party: "MN", reference: "MN-LoA-1 [rpt_b]" },
      ]);
      expect(
        await rows(
          db,
          sql`SELECT authorization_id, version, purposes, first_transfer, quantity::int AS q FROM authorization_versions ORDER BY 1`,
        ),
      ).toEqual([
        {
          authorization_id: "auz_a",
          version: 1,
          purposes: ["ndc", "oimp"],
          first_transfer: "use_or_cancellation",
          q: 50,
        },
        {
          authorization_id: "auz_b",
          version: 1,
          purposes: ["ndc", "oimp"],
          first_transfer: "use_or_cancellation",
          q: 20,
        },
      ]);
      expect(
        await rows(
          db,
          sql`SELECT lower(serials)::int AS lo, (upper(serials) - 1)::int AS hi, state, authorization_id, first_transferred
              FROM segments ORDER BY lower(serials)`,
        ),
      ).toEqual([
        { lo: 1, hi: 10, state: "claimed", authorization_id: "auz_a", first_transferred: true },
        { lo: 11, hi: 30, state: "held", authorization_id: "auz_a", first_transferred: false },
        { lo: 31, hi: 40, state: "in_registry", authorization_id: "auz_a", first_transferred: false },
        { lo: 41, hi: 60, state: "in_registry", authorization_id: "auz_b", first_transferred: false },
        { lo: 61, hi: 100, state: "in_registry", authorization_id: null, first_transferred: false },
      ]);
      // Claims made before 0010 are found by the register's search and filters like new ones.
      expect(
        await rows(db, sql`SELECT beneficiary_key, beneficiary_kind, project_refs, reporting_year FROM claims`),
      ).toEqual([
        {
          beneficiary_key: "sakura foods",
          beneficiary_kind: "organization",
          project_refs: ["MN006"],
          reporting_year: null,
        },
      ]);
      await expect(db.execute(sql`UPDATE claims SET purpose = 'rewritten'`)).rejects.toThrow();
      expect(await auditLedger(db)).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
