import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { coalescing } from "../../api/ledger/read/coalesce.js";

/** A batch operation that records the batches it was given and answers each item by its own value. */
function recorder(delayMs = 1) {
  const batches: number[][] = [];
  let running = 0;
  let maxRunning = 0;
  const run = async (items: number[]) => {
    batches.push(items);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    running--;
    return items.map((n) => n * 10);
  };
  return { run, batches, maxRunning: () => maxRunning };
}

describe("coalescing", () => {
  it("sends an idle caller's item at once, alone", async () => {
    const r = recorder();
    const one = coalescing(r.run, { inFlight: 1, maxBatch: 100 });
    await expect(one(7)).resolves.toBe(70);
    expect(r.batches).toEqual([[7]]);
  });

  it("gathers the items that arrive while a batch runs into the next batch", async () => {
    const r = recorder(5);
    const one = coalescing(r.run, { inFlight: 1, maxBatch: 100 });
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => one(n)));
    expect(answers).toEqual([10, 20, 30, 40, 50]);
    expect(r.batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it("never runs more batches at once than allowed, nor larger ones", async () => {
    const r = recorder(2);
    const one = coalescing(r.run, { inFlight: 2, maxBatch: 3 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => one(i)));
    expect(r.maxRunning()).toBeLessThanOrEqual(2);
    expect(Math.max(...r.batches.map((b) => b.length))).toBeLessThanOrEqual(3);
    expect(r.batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("fails every caller of a failed batch, and only them", async () => {
    let calls = 0;
    const one = coalescing(
      async (items: number[]) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (calls === 2) throw new Error("database unavailable");
        return items;
      },
      { inFlight: 1, maxBatch: 100 },
    );
    const answers = await Promise.allSettled([1, 2, 3].map((n) => one(n)));
    expect(answers.map((a) => a.status)).toEqual(["fulfilled", "rejected", "rejected"]);
    await expect(one(4)).resolves.toBe(4);
  });

  it("answers every caller with its own item's result, whatever the timing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.nat(3)), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        async (items, inFlight, maxBatch) => {
          const r = recorder(1);
          const one = coalescing(r.run, { inFlight, maxBatch });
          const answers = await Promise.all(
            items.map(async ([n, wait]) => {
              await new Promise((resolve) => setTimeout(resolve, wait));
              return one(n);
            }),
          );
          expect(answers).toEqual(items.map(([n]) => n * 10));
          expect(r.batches.flat()).toHaveLength(items.length);
        },
      ),
      { numRuns: 50 },
    );
  });
});
