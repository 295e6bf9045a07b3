import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type Running, startServer } from "../../scripts/processes.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";
import { scratchDatabase } from "../helpers/postgres-setup.js";

/** Processes started together on one empty PostgreSQL database, as a deployment of several would be. */
describe.runIf(databaseAvailable() && dbKind === "postgres")("three processes starting at once", () => {
  const scratch = scratchDatabase("jcm_start");
  const servers: Running[] = [];
  afterAll(async () => {
    for (const s of servers) s.child.kill("SIGTERM");
    await Promise.all(servers.map((s) => s.exited));
    await scratch.drop();
  });

  it("migrate one after the other and register the admin key once", async () => {
    await scratch.create();
    const adminKey = `adm_${randomBytes(24).toString("hex")}`;
    servers.push(
      ...(await Promise.all([1, 2, 3].map(() => startServer({ DATABASE_URL: scratch.url, ADMIN_API_KEY: adminKey })))),
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
    const db = new pg.Client({ connectionString: scratch.url });
    await db.connect();
    const admins = await db.query("SELECT count(*)::int AS n FROM organizations WHERE role = 'admin'");
    const keys = await db.query("SELECT count(*)::int AS n FROM api_keys");
    await db.end();
    expect(admins.rows[0].n).toBe(1);
    expect(keys.rows[0].n).toBe(1);
  });
});
