import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/client.js";

/**
 * Creates a migrated template database on the PostgreSQL server once per run; every test file
 * clones it. Without a server, CI fails loudly and a developer's run skips these tests with a note.
 */
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

declare module "vitest" {
  export interface ProvidedContext {
    postgresTemplate: string | null;
  }
}

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * An empty database of a test's own on the server, for tests that start server processes on it
 * (they migrate it themselves); `drop` removes it even while sessions remain.
 */
export function scratchDatabase(prefix: string): { url: string; create(): Promise<void>; drop(): Promise<void> } {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const run = async (statement: string) => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(statement);
    } finally {
      await admin.end();
    }
  };
  return {
    url: urlFor(name),
    create: () => run(`CREATE DATABASE ${name}`),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

export default async function setup(project: TestProject) {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    const why = `PostgreSQL is not reachable at ${ADMIN_URL}: ${(error as Error).message}`;
    if (process.env.CI) throw new Error(`${why}. CI must run the database tests on PostgreSQL.`);
    console.warn(`\n[postgres] ${why}. Skipping the PostgreSQL run (set TEST_POSTGRES_URL to use another server).\n`);
    project.provide("postgresTemplate", null);
    return;
  }
  const template = `jcm_tmpl_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${template}`);
  const db = await openDatabase({ kind: "postgres", url: urlFor(template), poolSize: 1 });
  await db.close();
  project.provide("postgresTemplate", template);
  return async () => {
    const left = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [template, `${template}_%`],
    );
    for (const { datname } of left.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
  };
}
