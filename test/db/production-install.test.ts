import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, type Running, runCli, startServer } from "../../scripts/processes.js";
import { devPrivateKey } from "../../scripts/wallet.js";
import { dbKind } from "../helpers/db.js";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Runs a command to its end and says how it ended. */
function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    output += c.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

/** A deployment installs runtime dependencies only (`npm install --omit=dev`): the server, its chain mirror and the CLI must run on them. */
describe.runIf(dbKind === "pglite")("a production install", () => {
  const copy = mkdtempSync(join(tmpdir(), "jcm-prod-"));
  let node: ChildProcess | undefined;
  let server: Running | undefined;
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    node?.kill("SIGTERM");
    rmSync(copy, { recursive: true, force: true });
  });

  it("deploys the mirror and serves the API with the chain mirror on, without devDependencies", async () => {
    for (const entry of ["api", "db", "scripts", "package.json", "package-lock.json", "tsconfig.json"]) {
      cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    }
    const install = await run("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], copy);
    expect(install.code, install.output).toBe(0);
    expect((await run("node", ["-e", "require.resolve('hardhat')"], copy)).code).not.toBe(0);

    const port = await freePort();
    const rpc = `http://127.0.0.1:${port}`;
    node = spawn(join(ROOT, "node_modules/.bin/hardhat"), ["node", "--hostname", "127.0.0.1", "--port", String(port)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      node?.stdout?.on("data", (c: Buffer) => {
        if (c.toString().includes(`127.0.0.1:${port}`)) resolve();
      });
      node?.on("exit", (code) => reject(new Error(`hardhat node exited with ${code}`)));
    });
    const key = devPrivateKey(0);
    const deployed = await runCli(["deploy"], { CHAIN_RPC_URL: rpc, CHAIN_PRIVATE_KEY: key }, copy);
    expect(deployed.code, deployed.stderr).toBe(0);
    const { contract } = JSON.parse(deployed.stdout.trim().split("\n").at(-1) ?? "{}") as { contract: string };
    expect(contract).toMatch(/^0x[0-9a-fA-F]{40}$/);

    const settings = {
      DATA_DIR: join(copy, "data"),
      CHAIN_RPC_URL: rpc,
      CHAIN_PRIVATE_KEY: key,
      MIRROR_CONTRACT: contract,
      CHAIN_CONFIRMATIONS: "0",
    };
    server = await startServer(settings, copy);
    const chain = (await (await fetch(`${server.url}/v1/chain`)).json()) as { enabled: boolean; contract: string };
    expect(chain).toMatchObject({ enabled: true });
    expect(chain.contract.toLowerCase()).toBe(contract.toLowerCase());
    server.child.kill("SIGTERM");
    await server.exited;

    // An API-only process: it queues chain operations for the process that runs the mirror.
    server = await startServer({ ...settings, CHAIN_WORKER: "false" }, copy);
    const apiOnly = (await (await fetch(`${server.url}/v1/chain`)).json()) as { enabled: boolean; worker: string };
    expect(apiOnly).toMatchObject({ enabled: true, worker: "off" });
    expect(server.output.join("")).toContain("chain mirror worker off");
    // A whole deployment (an npm install, a chain node, two server starts): a busy 2-core machine needs more than a minute.
  }, 180_000);
});
