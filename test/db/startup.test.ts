import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type Running, startServer } from "../../scripts/processes.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";
import { ADMIN_URL, urlFor } from "../helpers/postgres-setup.js";

/** Processes started together on one empty PostgreSQL database, as a deployment of several would be. */
describe.runIf(databaseAvailable() && dbKind === "postgres")("three processes starting at once", () => {
  const name = `jcm_start_${randomBytes(4).toString("hex")}`;
  const servers: Running[] = [];
  afterAll(async () => {
    for (const s of servers) s.child.kill("SIGTERM");
    await Promise.all(servers.map((s) => s.exited));
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("migrate one after the other and register the admin key once", async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const adminKey = `adm_${randomBytes(24).toString("hex")}`;
    servers.push(
      ...(await Promise.all([1, 2, 3].map(() => startServer({ DATABASE_URL: urlFor(name), ADMIN_API_KEY: adminKey })))),
    );
    for (const s of servers) {
      const listening = s.output
        .join("")
        .split("\n")
        .find((l) => l.includes("jcm-bridge listening"));
      expect(JSON.parse(listening ?? "{}").ready, s.output.join("")).toBe(true);
      expect(s.output.join("")).not.toContain("cannot reach the database");
      const me = await fetch(`${s.url}/v1/me`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(me.status).toBe(200);
    }
    const db = new pg.Client({ connectionString: urlFor(name) });
    await db.connect();
    const admins = await db.query("SELECT count(*)::int AS n FROM organizations WHERE role = 'admin'");
    const keys = await db.query("SELECT count(*)::int AS n FROM api_keys");
    await db.end();
    expect(admins.rows[0].n).toBe(1);
    expect(keys.rows[0].n).toBe(1);
  });
});
