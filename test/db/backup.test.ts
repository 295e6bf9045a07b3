import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client.js";
import { rows } from "../../db/values.js";
import { type Running, runCli, startServer } from "../../scripts/processes.js";
import { dbKind } from "../helpers/db.js";

/** Backups of the embedded database, taken as an operator would: while the server keeps answering claims. */
describe.runIf(dbKind === "pglite")("backup and restore of the embedded database", () => {
  const dir = mkdtempSync(join(tmpdir(), "jcm-backup-"));
  const live = join(dir, "live");
  const adminKey = `adm_${randomBytes(24).toString("hex")}`;
  let server: Running | undefined;
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  // Eight processes start one after the other (a server, CLI runs), on a shared 2-core machine.
  it("backs up during a stream of claims; the restore audits clean and holds every claim answered before the backup began", {
    timeout: 180_000,
  }, async () => {
    server = await startServer({ DATA_DIR: live, ADMIN_API_KEY: adminKey });
    const url = server.url;
    const post = async (path: string, key: string, body: unknown) => {
      const res = await fetch(url + path, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    };
    const org = async (role: string) => {
      const o = await post("/v1/organizations", adminKey, { name: `Backup ${role}`, role, country: "JP" });
      return {
        id: o.body.id ?? "",
        key: (await post(`/v1/organizations/${o.body.id}/keys`, adminKey, {})).body.key ?? "",
      };
    };
    const registry = await org("registry");
    const company = await org("company");
    await post("/v1/projects", registry.key, {
      ref: "MN006",
      title: "Solar",
      hostCountry: "MN",
      methodology: "MN_AM003",
    });
    await post("/v1/issuances", registry.key, {
      projectRef: "MN006",
      registry: "JP",
      vintage: 2020,
      monitoringPeriod: { start: "2019-07-06", end: "2020-12-31" },
      serialStart: 1,
      serialEnd: 10_000,
    });
    const deposit = await post("/v1/deposits", registry.key, {
      serials: ["JCM-JP-MN006-2020-1-10000"],
      organizationId: company.id,
      registryReference: "backup",
    });
    expect(deposit.status).toBe(201);

    const acknowledged: { id: string; at: number }[] = [];
    let streaming = true;
    let enough: () => void = () => {};
    const warm = new Promise<void>((resolve) => {
      enough = resolve;
    });
    const stream = (async () => {
      for (let unit = 1; streaming; unit++) {
        const claim = await post("/v1/claims", company.key, {
          serials: [`JCM-JP-MN006-2020-${unit}`],
          claimType: "contribution",
          beneficiary: { name: "Backup Co.", country: "JP" },
          purpose: "a claim during the backup",
          period: { start: "2025-01-01", end: "2025-12-31" },
        });
        expect(claim.status).toBe(201);
        acknowledged.push({ id: claim.body.id ?? "", at: performance.now() });
        if (acknowledged.length === 20) enough();
      }
    })();
    await warm;
    const began = performance.now();
    const file = join(dir, "backup.tar.gz");
    const taken = await runCli(["backup", file], { DATA_DIR: live, ADMIN_API_KEY: adminKey, PORT: new URL(url).port });
    streaming = false;
    await stream;
    expect(taken.code, taken.stderr).toBe(0);
    const before = acknowledged.filter((a) => a.at < began).map((a) => a.id);
    expect(before.length).toBeGreaterThanOrEqual(20);
    expect(acknowledged.length).toBeGreaterThan(before.length);

    const restored = join(dir, "restored");
    const restore = await runCli(["restore", file], { DATA_DIR: restored });
    expect(restore.code, restore.stderr).toBe(0);
    const audit = await runCli(["audit"], { DATA_DIR: restored });
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    expect(audit.stdout).toContain("✓");
    const database = await openDatabase({ kind: "pglite", dataDir: join(restored, "pglite") });
    try {
      const ids = new Set((await rows(database.db, sql`SELECT id FROM claims`)).map((r) => String(r.id)));
      expect(before.filter((id) => !ids.has(id))).toEqual([]);
    } finally {
      await database.close();
    }

    const again = await runCli(["restore", file], { DATA_DIR: restored });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already holds a database");
    const withoutKey = await runCli(["backup", join(dir, "refused.tar.gz")], { DATA_DIR: live });
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr).toContain("set ADMIN_API_KEY");

    server.child.kill("SIGTERM");
    await server.exited;
    server = undefined;
    const offline = await runCli(["backup", join(dir, "offline.tar.gz")], { DATA_DIR: live });
    expect(offline.code, offline.stderr).toBe(0);
  });
});
