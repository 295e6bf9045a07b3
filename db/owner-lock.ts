import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";

/**
 * One process owns an embedded database directory. PGlite keeps the database in the memory of the
 * process that opened it and writes it back as it goes: a second process opening the same
 * directory works on its own copy, and whichever writes last silently erases the other's changes.
 * The owner is recorded in a lock file beside the directory; the lock of a process that died is
 * taken over.
 */
export interface Owner {
  pid: number;
  host: string;
  /** The process's start time in clock ticks since boot (Linux), so a reused pid is not mistaken for the owner. */
  startTicks: string | null;
  command: string;
  since: string;
}

/** The directory is open in another live process. */
export class DatabaseInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: Owner,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${owner.pid} on ${owner.host} (${owner.command}, since ${owner.since}). ` +
        "One process owns it at a time: stop that process first, or send this work to its API.",
    );
    this.name = "DatabaseInUse";
  }
}

export function lockPathOf(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, "")}.lock`;
}

function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22, counted after the parenthesised command name, which may itself hold spaces.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function readOwner(path: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<Owner>;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? (owner as Owner) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the recorded owner still runs; a process on another host cannot be checked, so it counts as running. */
function alive(owner: Owner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const ticks = startTicks(owner.pid);
  return ticks === null || owner.startTicks === null || ticks === owner.startTicks;
}

const same = (a: Owner | undefined, b: Owner | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Moves a dead owner's lock aside. Two processes may find the same stale lock: each renames
 * whatever lock is there to its own name, and puts it back if it turns out to be a live one.
 */
function takeOver(path: string, stale: Owner | undefined): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (!same(readOwner(aside), stale)) {
    try {
      linkSync(aside, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  rmSync(aside, { force: true });
}

/** Claims `dataDir` for this process, or throws `DatabaseInUse`; returns the release. */
export function claimDataDir(dataDir: string, command = process.argv.slice(1).join(" ")): () => void {
  const path = lockPathOf(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  const me: Owner = {
    pid: process.pid,
    host: hostname(),
    startTicks: startTicks(process.pid),
    command: command.slice(0, 200),
    since: new Date().toISOString(),
  };
  // The lock appears whole or not at all: written under another name, then linked into place.
  const draft = `${path}.${process.pid}.new`;
  writeFileSync(draft, JSON.stringify(me));
  try {
    return claim(path, dataDir, draft, me);
  } finally {
    rmSync(draft, { force: true });
  }
}

function claim(path: string, dataDir: string, draft: string, me: Owner): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      linkSync(draft, path);
      const release = () => {
        if (same(readOwner(path), me)) rmSync(path, { force: true });
        process.off("exit", release);
      };
      // A process that exits without closing the database still leaves no lock behind.
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = readOwner(path);
    if (owner && alive(owner)) throw new DatabaseInUse(dataDir, owner);
    takeOver(path, owner);
  }
  const owner = readOwner(path);
  if (owner) throw new DatabaseInUse(dataDir, owner);
  throw new Error(`Could not take the lock ${path} of the embedded database`);
}
