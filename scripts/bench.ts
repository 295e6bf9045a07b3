import { randomBytes } from "node:crypto";
import { cpSync, existsSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import pg from "pg";
import { STATUS_LIMITS } from "../api/ledger/read/status.js";
import { type Database, openDatabase } from "../db/client.js";
import { copyIn, copyOut, marks } from "./bench/copy-baseline.js";
import { hostileStatus } from "./bench/hostile.js";
import { httpClient, load, peakRss, percentile, round } from "./bench/load.js";
import {
  benchKeys,
  IMPORT_REGISTRY,
  prepare,
  prepared,
  SEGMENTS_PER_ISSUANCE,
  UNITS_PER_ISSUANCE,
  UNITS_PER_SEGMENT,
} from "./bench/prepare.js";
import {
  CLAIM_UNITS,
  claimTargets,
  doubleClaimedUnits,
  randomRange,
  rawClaim,
  rawClaimBefore,
  rawStatus,
  seeded,
  serial,
  summary,
} from "./bench/scenarios.js";
import { measureStatusAt, type StatusAtFigure } from "./bench/status-at.js";
import { lagReceiver } from "./bench/webhook-lag.js";
import { measureMirrorGas } from "./bench-gas.js";
import { type Running, startQuietServer } from "./processes.js";

/**
 * `npm run bench` (`-- --quick` for a short run): the real server over loopback HTTP, on PGlite and
 * on PostgreSQL, beside a raw-SQL baseline doing the same database work in the same run. Prints a
 * table and writes bench-results.json: { machine, scenarios: [{ name, db, value, unit, baseline,
 * ratio, p50_ms, p99_ms, ... }] }. Ledgers are bulk-loaded once per size and kept in .bench-cache/
 * (PGlite) or databases jcm_bench_<size> (PostgreSQL).
 */
const quick = process.argv.includes("--quick");
const processesArg = process.argv[process.argv.indexOf("--processes") + 1];
/** `--processes 1,2`: the headline figures on PostgreSQL again with `WORKERS` at each count. */
const processCounts = process.argv.includes("--processes")
  ? (processesArg ?? "1")
      .split(",")
      .map(Number)
      .filter((n) => Number.isInteger(n) && n >= 1)
  : [1];
const seconds = quick ? 3 : 10;
const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const largest = sizes.at(-1) as number;
const importCount = quick ? 10_000 : 100_000;
const warmupMs = quick ? 500 : 2_000;
// A PostgreSQL on the same host is reached over its Unix socket when there is one, as a deployment
// beside its database would be: it spares every round trip the loopback TCP stack.
const PG_SOCKET_DIR = "/var/run/postgresql";
const PG_URL =
  process.env.BENCH_POSTGRES_URL ??
  (existsSync(`${PG_SOCKET_DIR}/.s.PGSQL.5432`)
    ? `postgres://postgres@localhost/test?host=${PG_SOCKET_DIR}`
    : "postgres://postgres@127.0.0.1:5432/test");

interface Scenario {
  name: string;
  db: string | null;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  [extra: string]: unknown;
}
const scenarios: Scenario[] = [];
const add = (s: Partial<Scenario> & Pick<Scenario, "name" | "db" | "value" | "unit">) => {
  const full: Scenario = { baseline: null, ratio: null, p50_ms: null, p99_ms: null, ...s };
  if (full.baseline && full.ratio === null) full.ratio = round(full.value / full.baseline, 3);
  scenarios.push(full);
  console.log(
    `  ${`${full.name}${typeof full.processes === "number" && processCounts.length > 1 ? ` ×${full.processes}` : ""}`.padEnd(18)} ${String(full.value).padStart(12)} ${full.unit.padEnd(12)} baseline ${String(full.baseline ?? "—").padStart(10)}  ratio ${full.ratio ?? "—"}  p50 ${full.p50_ms ?? "—"} p99 ${full.p99_ms ?? "—"}`,
  );
};

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** The URL of database `name` on the benchmark's PostgreSQL, and the server settings that use it. */
function postgresDatabase(name: string): { url: string; env: Record<string, string> } {
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), env: { DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: "40" } };
}

async function openBenchDatabase(
  kind: "pglite" | "postgres",
  size: number,
): Promise<{ database: Database; env: Record<string, string> }> {
  if (kind === "pglite") {
    const dir = `.bench-cache/pglite-${size}`;
    return { database: await openDatabase({ kind: "pglite", dataDir: `${dir}/pglite` }), env: { DATA_DIR: dir } };
  }
  const name = `jcm_bench_${size}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const { url, env } = postgresDatabase(name);
  return { database: await openDatabase({ kind: "postgres", url, poolSize: 40 }), env };
}

/**
 * A throwaway copy of a kept ledger for the import, so that repeated runs measure the same ledger:
 * the ledger is append-only, and 100,000 imported issuances would otherwise stay in it for good.
 */
async function throwawayCopy(
  kind: "pglite" | "postgres",
  size: number,
  purpose = "import",
): Promise<{ env: Record<string, string>; url?: string; drop: () => Promise<void> }> {
  if (kind === "pglite") {
    const dir = `.bench-cache/import-${size}`;
    rmSync(dir, { recursive: true, force: true });
    cpSync(`.bench-cache/pglite-${size}`, dir, { recursive: true });
    return { env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `jcm_bench_${purpose}_${size}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name} TEMPLATE jcm_bench_${size}`);
  const { env, url } = postgresDatabase(name);
  return {
    env,
    url,
    drop: async () => {
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    },
  };
}

/**
 * Seconds for one `POST /v1/issuances/import` of `importCount` issuances, on a throwaway copy of the
 * ledger; on PostgreSQL also the COPY floor: the same rows the import wrote, copied out and written
 * with COPY into another fresh copy of the same ledger (same constraints, indexes and triggers).
 */
async function timeImport(
  kind: "pglite" | "postgres",
  size: number,
  registryKey: string,
): Promise<{ seconds: number; baseline: number | null }> {
  const copy = await throwawayCopy(kind, size);
  let server: Running | undefined;
  let http: ReturnType<typeof httpClient> | undefined;
  try {
    const before = copy.url ? await marks(copy.url) : undefined;
    server = await startQuietServer({ ...copy.env, JOURNAL_SEAL_MS: "3600000" });
    http = httpClient(server.url, 1);
    // A registry of its own, and a base from the clock so that ledgers kept by earlier versions of
    // this benchmark, which imported into the ledger itself, take the rows as well.
    const base = (Date.now() % 1_000_000_000) * 1_000_000;
    const rowsToImport = Array.from({ length: importCount }, (_, i) => ({
      projectRef: "MN900",
      registry: IMPORT_REGISTRY,
      vintage: 2021,
      monitoringPeriod: { start: "2021-01-01", end: "2021-12-31" },
      serialStart: base + i * 10 + 1,
      serialEnd: base + i * 10 + 10,
    }));
    const t0 = performance.now();
    const imported = await http.send(
      "POST",
      "/v1/issuances/import",
      JSON.stringify({ issuances: rowsToImport }),
      registryKey,
    );
    const seconds = round((performance.now() - t0) / 1000);
    if (imported.status !== 201) {
      console.log(`  import answered ${imported.status}: ${imported.body.slice(0, 300)}`);
      return { seconds: -1, baseline: null };
    }
    if (!copy.url || !before) return { seconds, baseline: null };
    const rows = await copyOut(copy.url, before);
    const floor = await throwawayCopy(kind, size, "floor");
    try {
      return { seconds, baseline: round(await copyIn(floor.url as string, rows)) };
    } finally {
      await floor.drop();
    }
  } finally {
    await http?.close();
    if (server) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    await copy.drop();
  }
}

/** `claims_batch`: claims per request, and the held units set aside for it per second of the run. */
const BATCH_SIZE = 100;
const BATCH_TARGETS = 6000;

const claimBody = (serials: string, purpose: string) =>
  JSON.stringify({
    serials: [serials],
    beneficiary: { name: "Bench", country: "JP" },
    claimType: "contribution",
    purpose,
    period: { start: "2025-01-01", end: "2025-12-31" },
  });

/** An empty ledger for a scenario that builds its own data, removed afterwards. */
async function emptyLedger(
  kind: "pglite" | "postgres",
  name: string,
): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (kind === "pglite") {
    const dir = `.bench-cache/${name}`;
    rmSync(dir, { recursive: true, force: true });
    return { env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const database = `jcm_bench_${name}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  return {
    env: postgresDatabase(database).env,
    drop: async () => {
      await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** `hostile_status`: the batch that once froze the server, with `/health` asked all along (p50/p99 columns: its p50 and max). */
async function measureHostile(kind: "pglite" | "postgres"): Promise<void> {
  const ledger = await emptyLedger(kind, "hostile");
  const adminKey = `jcmk_bench_${randomBytes(24).toString("hex")}`;
  let server: Running | undefined;
  try {
    server = await startQuietServer({ ...ledger.env, ADMIN_API_KEY: adminKey, JOURNAL_SEAL_MS: "3600000" });
    const f = await hostileStatus(server, adminKey);
    add({
      name: "hostile_status",
      db: kind,
      value: f.answerMs,
      unit: "ms answer",
      p50_ms: f.healthP50Ms,
      p99_ms: f.healthMaxMs,
      answer_status: f.status,
      answer_bytes: f.answerBytes,
      parts: f.parts,
      health_requests: f.healthRequests,
      rss_growth_mb: f.rssGrowthMb,
    });
  } finally {
    if (server) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    await ledger.drop();
  }
}

/** `status_at`: the point-in-time lookup at growing history lengths (value: p50 at the longest). */
async function measureHistory(kind: "pglite" | "postgres"): Promise<void> {
  const ledger = await emptyLedger(kind, "status_at");
  const database =
    kind === "pglite"
      ? await openDatabase({ kind: "pglite", dataDir: `${ledger.env.DATA_DIR}/pglite` })
      : await openDatabase({ kind: "postgres", url: postgresDatabase("jcm_bench_status_at").url });
  try {
    const figures = await measureStatusAt(database.db, quick ? [10, 100, 1_000] : [10, 100, 1_000, 10_000]);
    const longest = figures.at(-1) as StatusAtFigure;
    add({
      name: "status_at",
      db: kind,
      value: longest.p50_ms,
      unit: `ms p50 at ${longest.entries.toLocaleString("en")} entries`,
      p50_ms: longest.p50_ms,
      p99_ms: longest.p99_ms,
      p50_by_entries: Object.fromEntries(figures.map((f) => [f.entries, f.p50_ms])),
    });
  } finally {
    await database.close();
    await ledger.drop();
  }
}

/**
 * `memory_first_start` (PGlite): the server's peak memory when it starts on an empty DATA_DIR and
 * answers a request; it creates its database in a child process, whose memory is not counted.
 */
async function measureFirstStart(): Promise<void> {
  const ledger = await emptyLedger("pglite", "first-start");
  const server = await startQuietServer(ledger.env);
  try {
    const http = httpClient(server.url, 1);
    await http.send("GET", "/v1/projects");
    await http.close();
    add({ name: "memory_first_start", db: "pglite", value: round(peakRss(server.child.pid)), unit: "MB peak RSS" });
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
    await ledger.drop();
  }
}

async function runKind(kind: "pglite" | "postgres"): Promise<void> {
  console.log(`\n${kind}`);
  if (kind === "pglite") await measureFirstStart();
  await measureHostile(kind);
  await measureHistory(kind);
  const scaleP50: Record<number, number> = {};
  for (const size of sizes) {
    const { database, env } = await openBenchDatabase(kind, size);
    let ready = await prepared(database.db);
    if (!ready) {
      const t0 = performance.now();
      await prepare(database.db, size);
      console.log(`  prepared ${size.toLocaleString("en")} segments in ${round((performance.now() - t0) / 1000, 1)} s`);
      ready = await prepared(database.db);
    }
    const issuances = ready?.issuances ?? 1;
    const keys = await benchKeys(database.db);
    const baselines: Record<string, number> = {};
    const rand = seeded(size);
    // Baseline and API take their claims from one list of held units, so they never collide.
    const targets =
      size === largest
        ? await claimTargets(
            database.db,
            (seconds + warmupMs / 1000) * (2 * 1500 + 2 * 1500 * processCounts.length + BATCH_TARGETS),
          )
        : [];
    let nextTarget = 0;
    if (size === largest) {
      const batch = await load(
        kind === "pglite" ? 1 : 4,
        seconds * 1000,
        async () =>
          (await rawStatus(
            database.db,
            Array.from({ length: 1000 }, () => randomRange(issuances, rand)),
            STATUS_LIMITS.partsPerRangeInBatch,
          )) > 0,
        { warmupMs },
      );
      baselines.status_batch = summary(batch, 1000).rate;
      const single = await load(
        32,
        seconds * 1000,
        async () => (await rawStatus(database.db, [randomRange(issuances, rand)], STATUS_LIMITS.partsPerPage)) > 0,
        { warmupMs },
      );
      baselines.status_single = summary(single).rate;
      const rawClaims = async (claim: typeof rawClaim) =>
        summary(
          await load(
            16,
            seconds * 1000,
            async (_c, i) => {
              await claim(database.db, keys.companyKey, targets[nextTarget++] as number, i);
              return true;
            },
            { warmupMs, maxRequests: targets.length / 4 },
          ),
        );
      // The claim's statements as the service sends them, against the list it sent before they were merged.
      const before = await rawClaims(rawClaimBefore);
      const now = await rawClaims(rawClaim);
      baselines.claims = now.rate;
      add({
        name: "claims_raw_statements",
        db: kind,
        value: now.rate,
        unit: "claims/s",
        baseline: before.rate,
        p50_ms: now.p50,
        p99_ms: now.p99,
      });
    }
    await database.close();

    let claimed = 0;
    const claimOnce = async (http: ReturnType<typeof httpClient>) => {
      const start = targets[nextTarget++] as number;
      const r = await http.send(
        "POST",
        "/v1/claims",
        claimBody(serial(start, start + CLAIM_UNITS - 1), "bench"),
        keys.companyKey,
      );
      if (r.status === 201) claimed++;
      return r.status === 201;
    };
    const serverEnv = {
      ...env,
      RATE_LIMIT_PUBLIC_PER_MINUTE: "1000000000",
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: "1000000000",
      JOURNAL_SEAL_MS: "3600000",
      WEBHOOK_ALLOW_PRIVATE: "true",
    };
    /** The figures measured again for each process count: lookups one by one and in batches, claims, and the HTTP floor. */
    const headline = async (
      http: ReturnType<typeof httpClient>,
      server: Running,
      single: Awaited<ReturnType<typeof load>>,
      processes: number,
    ) => {
      const st = summary(single);
      add({
        name: "status_single",
        db: kind,
        value: st.rate,
        unit: "requests/s",
        baseline: baselines.status_single ?? null,
        p50_ms: st.p50,
        p99_ms: st.p99,
        processes,
      });
      // What any request costs on this machine under the same 32 clients: the floor under status_single.
      const floor = summary(
        await load(32, seconds * 1000, async () => (await http.send("GET", "/health")).status === 200, { warmupMs }),
      );
      add({
        name: "http_floor",
        db: kind,
        value: floor.rate,
        unit: "requests/s",
        p50_ms: floor.p50,
        p99_ms: floor.p99,
        processes,
      });
      const batch = await load(
        4,
        seconds * 1000,
        async () => {
          const ranges = Array.from({ length: 1000 }, () => serial(...randomRange(issuances, rand)));
          return (await http.send("POST", "/v1/status", JSON.stringify({ serials: ranges }))).status === 200;
        },
        { warmupMs },
      );
      const sb = summary(batch, 1000);
      add({
        name: "status_batch",
        db: kind,
        value: sb.rate,
        unit: "ranges/s",
        baseline: baselines.status_batch ?? null,
        p50_ms: sb.p50,
        p99_ms: sb.p99,
        processes,
      });
      if (kind === "pglite")
        add({ name: "memory", db: kind, value: round(peakRss(server.child.pid)), unit: "MB peak RSS", segments: size });
      const claims = await load(16, seconds * 1000, () => claimOnce(http), {
        warmupMs,
        maxRequests: targets.length - nextTarget,
      });
      const cl = summary(claims);
      add({
        name: "claims",
        db: kind,
        value: cl.rate,
        unit: "claims/s",
        baseline: baselines.claims ?? null,
        p50_ms: cl.p50,
        p99_ms: cl.p99,
        processes,
      });
    };

    const server: Running = await startQuietServer(serverEnv);
    const http = httpClient(server.url, 64);
    try {
      const single = await load(
        32,
        (seconds * 1000) / (size === largest ? 1 : 2),
        async () => {
          const [s, e] = randomRange(issuances, rand);
          return (await http.send("GET", `/v1/status/${serial(s, e)}`)).status === 200;
        },
        { warmupMs },
      );
      scaleP50[size] = percentile(single.latencies, 50);
      if (size !== largest) continue;
      await headline(http, server, single, 1);
      // The same load again with a registry's webhook listening: how long after each claim it hears of it.
      const receiver = await lagReceiver();
      const hook = await http.send(
        "POST",
        "/v1/webhooks",
        JSON.stringify({ url: receiver.url, types: ["claim.created"] }),
        keys.companyKey,
      );
      const hookId = (JSON.parse(hook.body) as { id: string }).id;
      claimed = 0;
      const listened = summary(
        await load(16, seconds * 1000, () => claimOnce(http), { maxRequests: targets.length - nextTarget }),
      );
      await receiver.until(claimed, 60_000);
      await http.send("DELETE", `/v1/webhooks/${hookId}`, undefined, keys.companyKey);
      await receiver.close();
      add({
        name: "webhook_lag",
        db: kind,
        value: round(percentile(receiver.lags, 50)),
        unit: "ms p50",
        p50_ms: round(percentile(receiver.lags, 50)),
        p99_ms: round(percentile(receiver.lags, 99)),
        delivered: receiver.lags.length,
        claims: claimed,
        claims_per_s: listened.rate,
      });

      // Batches draw from the same list after the single claims: 100 claims of 10 units a request.
      const batches = await load(
        4,
        seconds * 1000,
        async () => {
          if (targets.length - nextTarget < BATCH_SIZE) return false;
          const starts = targets.slice(nextTarget, nextTarget + BATCH_SIZE);
          nextTarget += BATCH_SIZE;
          const body = `{"claims":[${starts.map((start) => claimBody(serial(start, start + CLAIM_UNITS - 1), "batch")).join(",")}]}`;
          const r = await http.send("POST", "/v1/claims/batch", body, keys.companyKey);
          return r.status === 201;
        },
        { warmupMs, maxRequests: Math.floor((targets.length - nextTarget) / BATCH_SIZE) },
      );
      const bt = summary(batches, BATCH_SIZE * CLAIM_UNITS);
      add({
        name: "claims_batch",
        db: kind,
        value: bt.rate,
        unit: "units/s",
        p50_ms: bt.p50,
        p99_ms: bt.p99,
        claims_per_request: BATCH_SIZE,
        claims_per_s: round(bt.rate / CLAIM_UNITS),
      });

      const window =
        (issuances - 1) * UNITS_PER_ISSUANCE + 1 + Math.floor(rand() * (SEGMENTS_PER_ISSUANCE - 2)) * UNITS_PER_SEGMENT;
      let won = 0;
      const unexpected = new Set<string>();
      const contended = await load(64, Math.min(seconds, 5) * 1000, async () => {
        const s = window + Math.floor(rand() * 1990);
        const r = await http.send("POST", "/v1/claims", claimBody(serial(s, s + 9), "contention"), keys.companyKey);
        if (r.status === 201) won++;
        if (r.status !== 201 && r.status !== 409) unexpected.add(`${r.status} ${r.body.slice(0, 200)}`);
        return r.status === 201 || r.status === 409;
      });
      const ct = summary(contended);
      if (unexpected.size > 0) console.log(`  contended claims answered: ${[...unexpected].slice(0, 3).join(" | ")}`);
      await http.close();
      server.child.kill("SIGTERM");
      await server.exited;
      const { database: after } = await openBenchDatabase(kind, size);
      add({
        name: "contended_claims",
        db: kind,
        value: ct.rate,
        unit: "requests/s",
        p50_ms: ct.p50,
        p99_ms: ct.p99,
        won,
        double_claims: await doubleClaimedUnits(after.db),
      });
      await after.close();
      const imported = await timeImport(kind, size, keys.registryKey);
      const unit = `s for ${importCount.toLocaleString("en")}`;
      if (imported.baseline !== null) add({ name: "import_baseline", db: kind, value: imported.baseline, unit });
      add({
        name: "import",
        db: kind,
        value: imported.seconds,
        unit,
        baseline: imported.baseline,
        // Seconds: the ratio is the floor's time over the import's, the share of the COPY speed the import reaches.
        ratio: imported.baseline === null ? null : round(imported.baseline / imported.seconds, 3),
      });
      for (const processes of kind === "postgres" ? processCounts.filter((n) => n > 1) : []) {
        const many = await startQuietServer({ ...serverEnv, WORKERS: String(processes) });
        const manyHttp = httpClient(many.url, 64);
        try {
          const single = await load(
            32,
            seconds * 1000,
            async () => {
              const [s, e] = randomRange(issuances, rand);
              return (await manyHttp.send("GET", `/v1/status/${serial(s, e)}`)).status === 200;
            },
            { warmupMs },
          );
          await headline(manyHttp, many, single, processes);
        } finally {
          await manyHttp.close();
          many.child.kill("SIGTERM");
          await many.exited;
        }
      }
    } finally {
      if (server.child.exitCode === null) {
        await http.close();
        server.child.kill("SIGTERM");
        await server.exited;
      }
    }
  }
  const small = scaleP50[sizes[0] as number] ?? Number.NaN;
  const big = scaleP50[largest] ?? Number.NaN;
  add({
    name: "scale",
    db: kind,
    value: round(big / small, 3),
    unit: `p50 ${largest.toLocaleString("en")}/${(sizes[0] as number).toLocaleString("en")}`,
    p50_by_segments: Object.fromEntries(Object.entries(scaleP50).map(([k, v]) => [k, round(v, 3)])),
  });
}

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  quick,
  at: new Date().toISOString(),
};
console.log(
  `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}${quick ? " (quick)" : ""}`,
);
await runKind("pglite");
if (await postgresReachable()) await runKind("postgres");
else console.log(`\npostgres: not reachable at ${PG_URL}; skipped (set BENCH_POSTGRES_URL)`);
console.log("\ngas");
for (const g of await measureMirrorGas()) {
  add({
    name: `gas_${g.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/_+$/, "")}`,
    db: null,
    value: g.gas,
    unit: "gas",
  });
}
writeFileSync("bench-results.json", `${JSON.stringify({ machine, scenarios }, null, 2)}\n`);
console.log("\nwrote bench-results.json");
