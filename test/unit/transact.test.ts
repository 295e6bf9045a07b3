import { describe, expect, it } from "vitest";
import { transact } from "../../api/ledger/store/transact.js";
import type { Db } from "../../db/client.js";

/** A database whose transactions fail with the given driver errors, then succeed. */
function failing(codes: string[]): { db: Db; calls: () => number } {
  let calls = 0;
  const db = {
    async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
      const code = codes[calls++];
      if (code) throw Object.assign(new Error("Failed query"), { cause: Object.assign(new Error(code), { code }) });
      return work(db);
    },
  } as unknown as Db;
  return { db, calls: () => calls };
}

describe("transact", () => {
  it("runs a transaction again after a deadlock or a serialization failure", async () => {
    const { db, calls } = failing(["40P01", "40001", "40P01"]);
    await expect(transact(db, async () => "done")).resolves.toBe("done");
    expect(calls()).toBe(4);
  });

  it("gives up after the last attempt and rethrows the database's error", async () => {
    const { db, calls } = failing(["40P01", "40P01", "40P01"]);
    await expect(transact(db, async () => "done", 3)).rejects.toThrow("Failed query");
    expect(calls()).toBe(3);
  });

  it("never retries other failures, such as a constraint violation", async () => {
    const { db, calls } = failing(["23P01"]);
    await expect(transact(db, async () => "done")).rejects.toThrow("Failed query");
    expect(calls()).toBe(1);
  });
});
