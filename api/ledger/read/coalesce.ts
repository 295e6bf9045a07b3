/**
 * Turns a batch operation into a single-item one that shares work: items that arrive while
 * `inFlight` batches are already running wait and then go together as one batch. An idle caller
 * is never delayed; under load, many small lookups become a few larger queries.
 */
export function coalescing<I, O>(
  run: (items: I[]) => Promise<O[]>,
  options: { inFlight: number; maxBatch: number },
): (item: I) => Promise<O> {
  let waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let running = 0;
  const pump = () => {
    while (running < options.inFlight && waiting.length > 0) {
      const batch = waiting.slice(0, options.maxBatch);
      waiting = waiting.slice(batch.length);
      running++;
      run(batch.map((w) => w.item))
        .then(
          (results) => {
            for (const [i, w] of batch.entries()) w.resolve(results[i] as O);
          },
          (error: unknown) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          running--;
          pump();
        });
    }
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}
