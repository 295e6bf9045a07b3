import type pg from "pg";

/** The advisory-lock namespace ("JCM" 4) of work that runs in one process at a time. */
const LEADER_LOCKS = 0x4a434d04;

/**
 * Work that must run in exactly one process across all that share a database (the chain mirror of
 * one bridge key): the process that holds a session advisory lock does it, the others stand by.
 * The lock lives as long as the holder's session, so when the holder dies its connection closes,
 * the lock is freed, and the next standby that asks takes over. On the embedded database one
 * process owns everything, so it always leads.
 */
export interface Leadership {
  /** Whether this process leads now, taking the lead if it is free. */
  lead(): Promise<boolean>;
  /** Gives the lead up (on stop), so that another process takes it at once. */
  release(): Promise<void>;
}

export const ALWAYS_LEADING: Leadership = { lead: async () => true, release: async () => {} };

/** The lead of `name` among the processes whose pools reach one PostgreSQL database. */
export function poolLeadership(pool: pg.Pool, name: string): Leadership {
  let session: pg.PoolClient | undefined;
  const drop = () => {
    const lost = session;
    session = undefined;
    // A session that failed is closed rather than returned to the pool: its lock goes with it.
    lost?.release(true);
  };
  return {
    async lead() {
      if (session) {
        try {
          await session.query("SELECT 1");
          return true;
        } catch {
          drop();
        }
      }
      const candidate = await pool.connect();
      candidate.on("error", () => {});
      try {
        const { rows } = await candidate.query<{ held: boolean }>(
          "SELECT pg_try_advisory_lock($1, hashtext($2)) AS held",
          [LEADER_LOCKS, name],
        );
        if (rows[0]?.held) {
          session = candidate;
          return true;
        }
        candidate.release();
        return false;
      } catch (error) {
        candidate.release(true);
        throw error;
      }
    },
    async release() {
      const held = session;
      if (!held) return;
      session = undefined;
      try {
        // Unlocked at once, so a standby that asks right after takes the lead.
        await held.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LEADER_LOCKS, name]);
        held.release();
      } catch {
        held.release(true);
      }
    },
  };
}
