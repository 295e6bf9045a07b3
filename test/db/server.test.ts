import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, startServer } from "../../scripts/processes.js";
import { dbKind } from "../helpers/db.js";

/**
 * The processes a user runs: `npm start` and `npm run cli`, on an embedded database on disk. The
 * steps share one data directory on purpose, as a user's do (the CLI imports next to what the
 * server wrote), so this suite keeps its order.
 */
describe.runIf(dbKind === "pglite")("server and CLI processes", { shuffle: false }, () => {
  const dir = mkdtempSync(join(tmpdir(), "jcm-server-"));
  const adminKey = `adm_${randomBytes(24).toString("hex")}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves the API, finishes a request in flight on SIGTERM, logs JSON without secrets, keeps data", async () => {
    const server = await startServer({ DATA_DIR: dir, ADMIN_API_KEY: adminKey });
    const call = async (path: string, key: string, body?: unknown) => {
      const res = await fetch(server.url + path, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    };
    expect((await call("/v1/me", adminKey)).status).toBe(200);
    const org = await call("/v1/organizations", adminKey, { name: "Japan Registry", role: "registry", country: "JP" });
    const key = (await call(`/v1/organizations/${org.body.id}/keys`, adminKey, {})).body.key ?? "";
    expect(
      (await call("/v1/projects", key, { ref: "MN006", title: "Solar", hostCountry: "MN", methodology: "MN_AM003" }))
        .status,
    ).toBe(201);
    const issuance = await call("/v1/issuances", key, {
      projectRef: "MN006",
      registry: "JP",
      vintage: 2020,
      monitoringPeriod: { start: "2019-07-06", end: "2020-12-31" },
      serialStart: 1,
      serialEnd: 24249,
    });
    expect(issuance.status).toBe(201);

    // The server has the request in hand (it sent 100 Continue) when it is told to stop; the body follows.
    const body = JSON.stringify({ serials: Array.from({ length: 10_000 }, (_, i) => `JCM-JP-MN006-2020-${i + 1}`) });
    const request = httpRequest(`${server.url}/v1/status`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        expect: "100-continue",
      },
    });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on("response", (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      request.on("error", reject);
    });
    await new Promise<void>((resolve) => request.on("continue", resolve));
    server.child.kill("SIGTERM");
    request.end(body);
    const answered = await answer;
    expect(answered.status).toBe(200);
    expect((JSON.parse(answered.text) as { results: unknown[] }).results).toHaveLength(10_000);
    expect(await server.exited).toBe(0);

    const lines = server.output.join("").split("\n").filter(Boolean);
    const parsed = lines.map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(parsed.map((l) => l.msg)).toEqual(expect.arrayContaining(["jcm-bridge listening", "request", "stopped"]));
    expect(server.output.join("")).not.toContain(adminKey);
    expect(server.output.join("")).not.toContain(key);

    const again = await startServer({ DATA_DIR: dir, ADMIN_API_KEY: adminKey });
    try {
      const res = await fetch(`${again.url}/v1/issuances/${issuance.body.id}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { serials: string }).serials).toBe("JCM-JP-MN006-2020-1-24249");
    } finally {
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    }
  });

  it("refuses a bad setting with a clear message and exit code 2", async () => {
    const server = startServer({ DATA_DIR: dir, PORT: "not-a-port", ADMIN_API_KEY: "short" });
    await expect(server).rejects.toThrow(
      /exited with 2[\s\S]*PORT[\s\S]*ADMIN_API_KEY: must be at least 32 characters/,
    );
    const help = await runCli(["help"], { DATA_DIR: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("create-admin-key");
  });

  it("create-admin-key prints a working key once; import reports bad rows by line, then imports", async () => {
    const created = await runCli(["create-admin-key"], { DATA_DIR: dir });
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toMatch(/^jcmk_[A-Za-z0-9_-]{43}$/);
    const csv = join(dir, "issuances.csv");
    writeFileSync(
      csv,
      "project_ref,registry,vintage,monitoring_start,monitoring_end,serial_start,serial_end\n" +
        "MN006,JP,2021,2021-01-01,2021-12-31,30001,30100\n" +
        "MN006,JP,2021,2021-01-01,2021-12-31,20000,30000\n" +
        "MN999,JP,2021,2021-01-01,2021-12-31,40001,40100\n",
    );
    const refused = await runCli(["import", csv], { DATA_DIR: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("line 3: overlaps issuance iss_1");
    expect(refused.stderr).toContain("line 4: no project with reference MN999");
    writeFileSync(
      csv,
      "project_ref,registry,vintage,monitoring_start,monitoring_end,serial_start,serial_end\nMN006,JP,2021,2021-01-01,2021-12-31,30001,30100\n",
    );
    const imported = await runCli(["import", csv], { DATA_DIR: dir });
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ imported: 1, issuances: ["JCM-JP-MN006-2021-30001-30100"] });
  });

  // Six processes in a row, each starting Node and migrating or reading a whole demo ledger.
  it("seed loads the demo once; a second seed changes nothing", { timeout: 180_000 }, async () => {
    const fresh = mkdtempSync(join(tmpdir(), "jcm-seed-"));
    try {
      const first = await runCli(["seed"], { DATA_DIR: fresh });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/Seeded 57 projects, \d+ issuances, claims clm_/);
      expect(first.stdout).toMatch(/company\s+Kanto Rail Co\. \(fictional demo company\)\s+jcmk_/);
      const second = await runCli(["seed"], { DATA_DIR: fresh });
      expect(second.stdout).toContain("already there");
      const audit = await runCli(["audit"], { DATA_DIR: fresh });
      expect(audit.code, audit.stdout + audit.stderr).toBe(0);
      expect(audit.stdout).toContain("agree");

      const claimId = /claims (clm_[0-9a-z]+)/.exec(first.stdout)?.[1] ?? "";
      const server = await startServer({ DATA_DIR: fresh });
      const saved = join(fresh, "claim.json");
      try {
        writeFileSync(saved, await (await fetch(`${server.url}/v1/claims/${claimId}`)).text());
        const online = await runCli(["verify", claimId], { DATA_DIR: fresh, JCM_API_URL: server.url });
        expect(online.code, online.stdout + online.stderr).toBe(0);
      } finally {
        server.child.kill("SIGTERM");
        await server.exited;
      }
      const offline = await runCli(["verify", saved], { DATA_DIR: fresh });
      expect(offline.code, offline.stdout + offline.stderr).toBe(0);
      expect(offline.stdout).toMatch(/✓ entry[\s\S]*✓ claim[\s\S]*✓ inclusion[\s\S]*verified/);
      const claim = JSON.parse(readFileSync(saved, "utf8"));
      writeFileSync(
        saved,
        JSON.stringify({ ...claim, beneficiary: { ...claim.beneficiary, name: "Forged Beneficiary" } }),
      );
      const tampered = await runCli(["verify", saved], { DATA_DIR: fresh });
      expect(tampered.code).toBe(1);
      expect(tampered.stdout).toContain("✗ claim: the claim differs from its journal entry in: beneficiary");
      expect(tampered.stdout).toContain("NOT verified: claim failed");
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
