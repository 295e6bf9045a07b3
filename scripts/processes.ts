/** The processes a user runs (`npm start`, `npm run cli`), started the way a user would; used by tests and the benchmark. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface Running {
  child: ChildProcess;
  url: string;
  output: string[];
  exited: Promise<number | null>;
  /** Resolves once the process has printed `text` (at once if it already has). */
  logged(text: string): Promise<void>;
}

/** `logged` for a child whose output is collected in `output`. */
function watcher(child: ChildProcess, output: string[]): (text: string) => Promise<void> {
  return (text) =>
    new Promise((resolve) => {
      if (output.join("").includes(text)) return resolve();
      const check = () => {
        if (!output.join("").includes(text)) return;
        child.stdout?.off("data", check);
        child.stderr?.off("data", check);
        resolve();
      };
      child.stdout?.on("data", check);
      child.stderr?.on("data", check);
    });
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, LOG_LEVEL: "info", ...extra };
}

/** Starts the real server (what `npm start` runs) and waits until it listens; `cwd` is another copy of the project. */
export async function startServer(extra: Record<string, string>, cwd = ROOT): Promise<Running> {
  const child = spawn(process.execPath, ["--import", "tsx", "api/server.ts"], {
    cwd,
    env: env({ PORT: "0", ...extra }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join("")}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      for (const line of chunk.toString().split("\n")) {
        if (!line.includes("jcm-bridge listening")) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output.join("")}`)));
  });
  return { child, url, output, exited, logged: watcher(child, output) };
}

/** Runs `npm run cli -- …` as a process and collects what it prints. */
export async function runCli(
  args: string[],
  extra: Record<string, string>,
  cwd = ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], {
    cwd,
    env: env({ LOG_LEVEL: "warn", ...extra }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stdout, stderr };
}

/**
 * Starts the server quietly (warn-level logs) on a free port and waits until `/health` answers:
 * for load tests, where a log line per request would measure the terminal, not the service.
 */
export async function startQuietServer(extra: Record<string, string>): Promise<Running> {
  const net = await import("node:net");
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const address = s.address() as { port: number };
      s.close(() => resolve(address.port));
    });
  });
  const child = spawn(process.execPath, ["--import", "tsx", "api/server.ts"], {
    cwd: ROOT,
    env: env({ LOG_LEVEL: "warn", ...extra, PORT: String(port) }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (c: Buffer) => output.push(c.toString()));
  child.stderr?.on("data", (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, url, output, exited, logged: watcher(child, output) };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`server did not become healthy:\n${output.join("")}`);
}
