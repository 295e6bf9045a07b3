import { readFileSync } from "node:fs";
import { Pool } from "undici";

/**
 * A small keep-alive load generator: `clients` loops, each on its own connection, sending requests
 * until `ms` has passed, after `warmupMs` whose requests are not counted (connections, the
 * server's JIT and the database's plan caches warm up there, as they would in a running service).
 */
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
  options: { maxRequests?: number; warmupMs?: number } = {},
): Promise<LoadResult> {
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  let measuring = false;
  const begin = performance.now();
  const start = begin + (options.warmupMs ?? 0);
  const deadline = start + ms;
  let measuredFrom = start;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline && sent < maxRequests) {
        const i = sent++;
        const t0 = performance.now();
        if (!measuring && t0 >= start) {
          measuring = true;
          measuredFrom = t0;
        }
        const ok = await request(client, i).catch(() => false);
        if (t0 < start) continue;
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  return { requests: latencies.length, errors, seconds: (performance.now() - measuredFrom) / 1000, latencies };
}

/** Keep-alive HTTP over `connections` sockets; much lighter than `fetch`, so the client takes less of the machine. */
export function httpClient(base: string, connections: number) {
  const pool = new Pool(base, { connections, pipelining: 1 });
  return {
    async send(
      method: "GET" | "POST" | "DELETE",
      path: string,
      body?: string,
      key?: string,
    ): Promise<{ status: number; body: string }> {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers["content-type"] = "application/json";
      if (key) headers.authorization = `Bearer ${key}`;
      const res = await pool.request({ method, path, headers, ...(body !== undefined ? { body } : {}) });
      return { status: res.statusCode, body: await res.body.text() };
    },
    close: () => pool.close(),
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The most memory a process has had resident so far, in MB. */
export function peakRss(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}
