import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type { Db } from "./client.js";
import { serverPool, type Timeouts } from "./client.js";
import * as schema from "./schema.js";
import { rows } from "./values.js";

/**
 * A PostgreSQL streaming replica that serves public reads. Every probe samples the primary's WAL
 * position and asks how far the replica has replayed: the replica is as fresh as the newest sample
 * it has replayed, so its lag is measured in time, even while the primary is idle (when the
 * replay timestamp would keep growing). Reads go to the primary instead while the replica is
 * unreachable or behind by more than `maxLagMs`.
 */
export interface ReadReplica {
  readonly db: Db;
  /** Whether public reads may go to the replica now. */
  usable(): boolean;
  /** How far behind the primary the replica was at the last probe, in ms; undefined before one or while it is away. */
  lagMs(): number | undefined;
  /** A read on the replica failed for want of the replica: send reads to the primary until a probe finds it again. */
  markDown(): void;
  /** Samples the primary and the replica once (the server probes every `DATABASE_READ_PROBE_MS`). */
  probe(): Promise<void>;
  close(): Promise<void>;
}

export interface ReplicaOptions {
  url: string;
  poolSize: number;
  timeouts: Timeouts;
  maxLagMs: number;
  /** The primary, whose WAL position each probe samples. */
  primary: Db;
  /** Milliseconds since the epoch; injected so tests move time. */
  now: () => number;
}

/** `16/B374D848` as one number: the two halves of a WAL position. */
export function parseLsn(lsn: string): bigint {
  const [hi, lo] = lsn.split("/");
  if (hi === undefined || lo === undefined) throw new Error(`not a WAL position: ${lsn}`);
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

/** Samples kept while the replica replays none of them: the oldest stays, so the lag is never understated. */
const MAX_SAMPLES = 1_000;

interface Sample {
  at: number;
  lsn: bigint;
}

export function openReadReplica(options: ReplicaOptions): ReadReplica {
  // Read only at the session level: a write sent here by mistake fails instead of reaching a standby's error path.
  const pool = serverPool(options.url, options.poolSize, options.timeouts, ["-c default_transaction_read_only=on"]);
  const db: Db = drizzle(pool, { schema });
  let samples: Sample[] = [];
  let lag: number | undefined;

  async function replayed(): Promise<bigint | undefined> {
    const answer = await pool.query<{ lsn: string | null; standby: boolean }>(
      "SELECT pg_last_wal_replay_lsn()::text AS lsn, pg_is_in_recovery() AS standby",
    );
    const row = answer.rows[0];
    // A server that is not in recovery (a plain copy, or the primary itself) is as fresh as it gets.
    if (!row?.standby) return undefined;
    return row.lsn === null ? 0n : parseLsn(row.lsn);
  }

  return {
    db,
    usable: () => lag !== undefined && lag <= options.maxLagMs,
    lagMs: () => lag,
    markDown() {
      lag = undefined;
    },
    async probe() {
      const at = options.now();
      const [primary] = await rows(options.primary, sql`SELECT pg_current_wal_lsn()::text AS lsn`);
      samples.push({ at, lsn: parseLsn(String(primary?.lsn)) });
      let position: bigint | undefined;
      try {
        position = await replayed();
      } catch {
        lag = undefined;
        return;
      }
      const now = options.now();
      if (position === undefined) {
        samples = samples.slice(-1);
        lag = 0;
        return;
      }
      const caughtUp = samples.findLast((s) => s.lsn <= position);
      if (caughtUp) {
        // Samples before the newest one replayed are settled.
        samples = samples.filter((s) => s.at >= caughtUp.at);
        lag = now - caughtUp.at;
      } else {
        // Not even the oldest sample replayed: at least that far behind, and never fresh enough to read from.
        if (samples.length > MAX_SAMPLES) samples.splice(1, samples.length - MAX_SAMPLES);
        lag = Math.max(now - (samples[0]?.at ?? now), options.maxLagMs + 1);
      }
    },
    close: () => pool.end(),
  };
}
