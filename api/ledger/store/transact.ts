import type { Db } from "../../../db/client.js";
import { pgError } from "./pg-errors.js";

/**
 * Deadlock and serialization failures are the database settling a race, not a fault: concurrent
 * inserts under an exclusion constraint can deadlock, and PostgreSQL aborts one of them. The
 * aborted transaction wrote nothing, so running it again is safe; its checks then see the winner.
 */
export const RETRYABLE_CODES = new Set(["40P01", "40001"]);

export async function transact<T>(db: Db, work: (tx: Db) => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt >= attempts || !RETRYABLE_CODES.has(pgError(error)?.code ?? "")) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
