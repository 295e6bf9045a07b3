import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type Running, startServer } from "../../scripts/processes.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";
import { scratchDatabase } from "../helpers/postgres-setup.js";

interface Line {
  msg?: string;
  pid?: number;
  path?: string;
}

function lines(server: Running): Line[] {
  return server.output
    .join("")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);
}

const listeners = (server: Running) =>
  lines(server)
    .filter((l) => l.msg === "jcm-bridge listening")
    .map((l) => l.pid);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `WORKERS=n` as a user starts it: n processes answer on one port, a worker that dies is replaced,
 * and a signal to the supervising process stops them all cleanly.
 */
describe.runIf(databaseAvailable() && dbKind === "postgres")("several worker processes on one port", () => {
  const scratch = scratchDatabase("jcm_workers");
  const servers: Running[] = [];
  const dir = mkdtempSync(join(tmpdir(), "jcm-workers-"));
  afterAll(async () => {
    for (const s of servers) s.child.kill("SIGKILL");
    await Promise.all(servers.map((s) => s.exited));
    rmSync(dir, { recursive: true, force: true });
    await scratch.drop();
  });

  it("answers from every worker, replaces one that dies, and stops them all on SIGTERM", async () => {
    await scratch.create();
    const server = await startServer({ DATABASE_URL: scratch.url, WORKERS: "2", CHAIN_WORKER: "false" });
    servers.push(server);
    await vi.waitFor(() => expect(listeners(server)).toHaveLength(2), { timeout: 60_000, interval: 50 });
    const workers = listeners(server) as number[];
    expect(new Set(workers).size).toBe(2);
    expect(workers).not.toContain(server.child.pid);

    for (let i = 0; i < 10; i++) expect((await fetch(`${server.url}/v1/projects`)).status).toBe(200);
    const served = new Set(
      lines(server)
        .filter((l) => l.path === "/v1/projects")
        .map((l) => l.pid),
    );
    expect(served).toEqual(new Set(workers));

    const [first = 0, second = 0] = workers;
    process.kill(first, "SIGKILL");
    await vi.waitFor(() => expect(listeners(server)).toHaveLength(3), { timeout: 60_000, interval: 50 });
    const replacement = listeners(server)[2] as number;
    expect(workers).not.toContain(replacement);
    for (let i = 0; i < 4; i++) expect((await fetch(`${server.url}/health`)).status).toBe(200);

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect([second, replacement].filter(alive)).toEqual([]);
  });

  it("refuses WORKERS above 1 on the embedded database, which has one owner process", async () => {
    await expect(startServer({ DATA_DIR: dir, WORKERS: "2" })).rejects.toThrow(/exited with 2[\s\S]*WORKERS/);
  });
});
