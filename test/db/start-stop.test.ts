import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/processes.js";
import { dbKind } from "../helpers/db.js";

const listen = () =>
  new Promise<Server>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => resolve(s));
  });
const portOf = (s: Server) => (s.address() as { port: number }).port;

/** Whether a process is still there. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starting and stopping the server as a user does: `npm start`, `kill` of what was started, a port already taken. */
describe.runIf(dbKind === "pglite")("npm start, as a user runs it", () => {
  const dir = mkdtempSync(join(tmpdir(), "jcm-start-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A TypeScript build, then a first start that creates the database in a child process: minutes on a busy 2-core machine.
  it("builds when needed, runs the server under plain node, and stops it when npm is sent SIGTERM", {
    timeout: 180_000,
  }, async () => {
    const probe = await listen();
    const port = portOf(probe);
    await new Promise((resolve) => probe.close(resolve));
    const npm = spawn("npm", ["start"], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: join(dir, "data"), LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => npm.on("exit", resolve));
    let output = "";
    const listening = await new Promise<{ pid: number; url: string }>((resolve, reject) => {
      npm.stdout.on("data", (c: Buffer) => {
        output += c.toString();
        const line = output.split("\n").find((l) => l.includes("jcm-bridge listening"));
        if (line) resolve(JSON.parse(line) as { pid: number; url: string });
      });
      npm.stderr.on("data", (c: Buffer) => {
        output += c.toString();
      });
      void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    expect((await fetch(`${listening.url}/health`)).status).toBe(200);
    // npm runs the server itself, no shell or loader in between, so a signal to npm reaches it.
    expect(listening.pid).not.toBe(npm.pid);
    npm.kill("SIGTERM");
    await exited;
    expect(running(listening.pid)).toBe(false);
    expect(output).toContain('"msg":"stopped"');
  });

  it("says in one line that the port is taken, and exits 1", async () => {
    const taken = await listen();
    const port = portOf(taken);
    const server = spawn(process.execPath, ["--import", "tsx", "api/server.ts"], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: join(dir, "taken"), LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    server.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise((resolve) => server.on("exit", resolve));
    await new Promise((resolve) => taken.close(resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      `Port ${port} on 127.0.0.1 is in use by another process: stop that process or set PORT to another port.`,
    ]);
  });
});
