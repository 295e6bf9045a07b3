/** A small keep-alive load generator: `clients` loops sending requests until `ms` has passed. */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

export async function load(
  clients: number,
  ms: number,
  request: (client: number, i: number) => Promise<boolean>,
  maxRequests = Number.POSITIVE_INFINITY,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline && sent < maxRequests) {
        const i = sent++;
        const t0 = performance.now();
        const ok = await request(client, i).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  return { requests: latencies.length, errors, seconds: (performance.now() - start) / 1000, latencies };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
