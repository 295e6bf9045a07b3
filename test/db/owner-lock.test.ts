import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { claimDataDir, DatabaseInUse, lockPathOf } from "../../db/owner-lock.js";
import { ROOT, runCli, startServer } from "../../scripts/processes.js";
import { dbKind } from "../helpers/db.js";

/** The pid of a process that has exited: a dead owner. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid as number;
}

describe.runIf(dbKind === "pglite")("one process owns an embedded database", () => {
  const dir = mkdtempSync(join(tmpdir(), "jcm-owner-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a second opener in the same process, and lets it in once released", () => {
    const data = join(dir, "same-process");
    const release = claimDataDir(data, "first");
    expect(() => claimDataDir(data, "second")).toThrow(DatabaseInUse);
    try {
      claimDataDir(data, "second");
    } catch (error) {
      expect((error as DatabaseInUse).owner).toMatchObject({ pid: process.pid, command: "first" });
    }
    release();
    expect(existsSync(lockPathOf(data))).toBe(false);
    claimDataDir(data, "second")();
  });

  it("takes over the lock of a process that died, and of a pid now used by another process", async () => {
    const data = join(dir, "stale");
    const write = (owner: object) => writeFileSync(lockPathOf(data), JSON.stringify(owner));
    const base = { host: hostname(), command: "npm start", since: "2026-01-01T00:00:00.000Z" };
    write({ ...base, pid: await deadPid(), startTicks: "1" });
    const release = claimDataDir(data, "after a crash");
    expect(JSON.parse(readFileSync(lockPathOf(data), "utf8"))).toMatchObject({ pid: process.pid });
    release();
    // This process's own pid, but recorded with another start time: the pid was reused.
    write({ ...base, pid: process.pid, startTicks: "0" });
    claimDataDir(data, "after a reboot")();
    write({ ...base, pid: process.pid, startTicks: "0", host: "another-host" });
    expect(() => claimDataDir(data, "beside another host")).toThrow(DatabaseInUse);
    rmSync(lockPathOf(data));
  });

  it("keeps the CLI and a second server off a running server's data, and lets them in after it died", async () => {
    const data = join(dir, "served");
    const server = await startServer({ DATA_DIR: data });
    const csv = join(dir, "issuances.csv");
    writeFileSync(csv, "project_ref,registry,vintage,monitoring_start,monitoring_end,serial_start,serial_end\n");
    for (const args of [["create-admin-key"], ["import", csv]]) {
      const cli = await runCli(args, { DATA_DIR: data });
      expect(cli.code, cli.stderr).toBe(1);
      expect(cli.stderr).toContain(`in use by process ${server.child.pid}`);
      expect(cli.stderr).toContain("use the API");
      expect(cli.stdout).toBe("");
    }
    const second = spawn(process.execPath, ["--import", "tsx", "api/server.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: data, PORT: "0", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    second.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    expect(await new Promise((resolve) => second.on("exit", resolve))).toBe(1);
    expect(stderr).toContain(`in use by process ${server.child.pid}`);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    server.child.kill("SIGKILL");
    await server.exited;
    expect(existsSync(lockPathOf(join(data, "pglite")))).toBe(true);
    const after = await runCli(["create-admin-key"], { DATA_DIR: data });
    expect(after.code, after.stderr).toBe(0);
    expect(existsSync(lockPathOf(join(data, "pglite")))).toBe(false);
  });
});
