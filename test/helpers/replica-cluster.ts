import { execFile } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/**
 * A PostgreSQL primary and a streaming replica of it, made with the server's own tools (`initdb`,
 * `pg_basebackup -R`) in a temporary directory, on two free ports: the replica is real, so reads
 * sent to it see only what it has replayed. Needs the server's binaries and to run them as the
 * `postgres` user (this process is root or that user).
 */
export interface ReplicaPair {
  primaryUrl: string;
  replicaUrl: string;
  /** Stops applying the primary's WAL on the replica (it keeps receiving it), or resumes. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Whether the replica has replayed everything the primary has written so far. */
  caughtUp(): Promise<boolean>;
  stopReplica(): Promise<void>;
  stop(): Promise<void>;
}

function binDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "pg_basebackup")))
    .sort((a, b) => Number(b) - Number(a))[0];
  return version ? join(root, version, "bin") : undefined;
}

function asPostgres(): string[] | undefined {
  if (process.getuid?.() === 0) return ["runuser", "-u", "postgres", "--"];
  return process.env.USER === "postgres" ? [] : undefined;
}

/** Why a replica pair cannot be made on this machine, or undefined when it can. */
export function replicaUnavailable(): string | undefined {
  if (!binDir()) return "PostgreSQL's server binaries (/usr/lib/postgresql/<version>/bin) are not installed";
  if (!asPostgres()) return "the server's tools must run as root or as the postgres user";
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

export async function startReplicaPair(): Promise<ReplicaPair> {
  const bin = binDir();
  const user = asPostgres();
  if (!bin || !user) throw new Error(replicaUnavailable());
  const dir = mkdtempSync(join(tmpdir(), "jcm-replica-"));
  const [uid, gid] = await ids();
  chownSync(dir, uid, gid);
  const [runner, ...prefix] = user;
  const tool = (name: string, args: string[]) =>
    runner
      ? run(runner, [...prefix, join(bin, name), ...args], { cwd: dir })
      : run(join(bin, name), args, { cwd: dir });
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primary = join(dir, "primary");
  const replica = join(dir, "replica");
  const settings = (port: number) =>
    [`port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`, "fsync = off", ""].join(
      "\n",
    );
  const started: string[] = [];
  const start = async (data: string) => {
    await tool("pg_ctl", ["-D", data, "-l", `${data}.log`, "-w", "-t", "60", "start"]);
    started.push(data);
  };
  const stopOne = async (data: string) => {
    if (!started.includes(data)) return;
    started.splice(started.indexOf(data), 1);
    await tool("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
  };
  const stop = async () => {
    for (const data of [...started].reverse()) await stopOne(data);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await tool("initdb", ["-D", primary, "-U", "postgres", "--auth=trust", "--no-sync"]);
    appendFileSync(join(primary, "postgresql.conf"), settings(primaryPort));
    await start(primary);
    const from = ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres"];
    await tool("pg_basebackup", [...from, "-D", replica, "-R", "-X", "stream", "--no-sync"]);
    // The copy carries the primary's settings; a later line wins.
    appendFileSync(join(replica, "postgresql.conf"), settings(replicaPort));
    await start(replica);
  } catch (error) {
    await stop();
    throw error;
  }
  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
  return {
    primaryUrl,
    replicaUrl,
    pauseReplay: async () => void (await query(replicaUrl, "SELECT pg_wal_replay_pause()")),
    resumeReplay: async () => void (await query(replicaUrl, "SELECT pg_wal_replay_resume()")),
    async caughtUp() {
      const head = (await query(primaryUrl, "SELECT pg_current_wal_lsn()::text AS lsn")).rows[0].lsn;
      const r = await query(replicaUrl, `SELECT pg_last_wal_replay_lsn() >= '${head}'::pg_lsn AS ok`);
      return r.rows[0].ok === true;
    },
    stopReplica: () => stopOne(replica),
    stop,
  };
}

/** The postgres user's ids: the directory is theirs, since the server's tools run as them. */
async function ids(): Promise<[number, number]> {
  const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
  const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
  return [uid, gid];
}
