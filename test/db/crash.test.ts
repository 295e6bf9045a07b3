import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { auditLedger } from "../../api/ledger/journal/audit.js";
import { openDatabase } from "../../db/client.js";
import { runCli, startServer } from "../../scripts/processes.js";
import { dbKind } from "../helpers/db.js";
import { ADMIN_URL, urlFor } from "../helpers/postgres-setup.js";

interface Api {
  url: string;
  call(
    method: string,
    path: string,
    key?: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

function api(url: string): Api {
  return {
    url,
    async call(method, path, key, body) {
      const res = await fetch(url + path, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
  };
}

/** A registry, a company holding 5,000 units, and their keys, made over HTTP. */
async function setUp(a: Api, admin: string): Promise<{ companyKey: string; serial: (n: number) => string }> {
  const org = async (name: string, role: string) => {
    const o = await a.call("POST", "/v1/organizations", admin, { name, role, country: "JP" });
    const k = await a.call("POST", `/v1/organizations/${o.body.id}/keys`, admin, {});
    return { id: String(o.body.id), key: String(k.body.key) };
  };
  const registry = await org("Registry", "registry");
  const company = await org("Company", "company");
  expect(
    (
      await a.call("POST", "/v1/projects", registry.key, {
        ref: "MN006",
        title: "Solar",
        hostCountry: "MN",
        methodology: "MN_AM003",
      })
    ).status,
  ).toBe(201);
  const issued = await a.call("POST", "/v1/issuances", registry.key, {
    projectRef: "MN006",
    registry: "JP",
    vintage: 2020,
    monitoringPeriod: { start: "2019-07-06", end: "2020-12-31" },
    serialStart: 1,
    serialEnd: 24249,
  });
  expect(issued.status).toBe(201);
  const deposited = await a.call("POST", "/v1/deposits", registry.key, {
    serials: ["JCM-JP-MN006-2020-1-5000"],
    organizationId: company.id,
    registryReference: "r",
  });
  expect(deposited.status).toBe(201);
  return { companyKey: company.key, serial: (n) => `JCM-JP-MN006-2020-${n}` };
}

/** Claims one unit after another on `workers` connections until `stop()`; returns what each answered. */
function claimStream(a: Api, key: string, serial: (n: number) => string, workers: number) {
  let next = 1;
  let stopped = false;
  const answers: { n: number; status: number; id?: string }[] = [];
  const waiters: { count: number; status: number | undefined; resolve: () => void }[] = [];
  const settle = () => {
    for (const w of [...waiters]) {
      if (answers.filter((x) => w.status === undefined || x.status === w.status).length < w.count) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const record = (answer: { n: number; status: number; id?: string }) => {
    answers.push(answer);
    settle();
  };
  const work = async () => {
    while (!stopped && next <= 5000) {
      const n = next++;
      try {
        const r = await a.call("POST", "/v1/claims", key, {
          serials: [serial(n)],
          beneficiary: { name: "B", country: "JP" },
          claimType: "contribution",
          purpose: "stream",
          period: { start: "2025-01-01", end: "2025-12-31" },
        });
        record({ n, status: r.status, id: typeof r.body.id === "string" ? r.body.id : undefined });
      } catch {
        record({ n, status: 0 });
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, work));
  return {
    answers,
    /** Resolves once `count` answers (of `status`, if given) have come back. */
    reached(count: number, status?: number): Promise<void> {
      return new Promise((resolve) => {
        waiters.push({ count, status, resolve });
        settle();
      });
    },
    async stop() {
      stopped = true;
      await done;
    },
  };
}

describe.runIf(dbKind === "pglite")("a server killed with SIGKILL mid-stream, on the embedded database", () => {
  const dir = mkdtempSync(join(tmpdir(), "jcm-crash-"));
  const admin = `adm_${randomBytes(24).toString("hex")}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Two server starts, the first on an empty DATA_DIR (the database is created by a child process).
  it("keeps every claim it answered 201, applies none by half, and its invariants hold", {
    timeout: 180_000,
  }, async () => {
    const first = await startServer({ DATA_DIR: dir, ADMIN_API_KEY: admin, LOG_LEVEL: "info" });
    const a = api(first.url);
    const { companyKey, serial } = await setUp(a, admin);
    const stream = claimStream(a, companyKey, serial, 4);
    await stream.reached(30, 201);
    first.child.kill("SIGKILL");
    await first.exited;
    await stream.stop();
    const confirmed = stream.answers.filter((x) => x.status === 201);
    expect(confirmed.length).toBeGreaterThan(0);

    const second = await startServer({ DATA_DIR: dir, ADMIN_API_KEY: admin });
    try {
      const b = api(second.url);
      for (const c of confirmed) {
        const got = await b.call("GET", `/v1/claims/${c.id}`);
        expect(got.status, `claim ${c.id} answered 201 before the kill`).toBe(200);
        expect(got.body.serials).toEqual([serial(c.n)]);
      }
      const status = await b.call("GET", `/v1/status/JCM-JP-MN006-2020-1-5000`);
      expect(status.body.doubleCounted).toBe(false);
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
    const audit = await runCli(["audit"], { DATA_DIR: dir });
    expect(audit.code, audit.stdout).toBe(0);
  });
});

/** A TCP proxy in front of PostgreSQL that a test can keep closed, open, or cut. */
function proxy(port: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(5432, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  return {
    open: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe.runIf(dbKind === "postgres")("PostgreSQL unavailable at start and cut mid-transaction", () => {
  const name = `jcm_outage_${randomBytes(4).toString("hex")}`;
  const admin = `adm_${randomBytes(24).toString("hex")}`;
  afterAll(async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });

  it("answers 503 while the database is away, recovers, and never half-applies a claim", async () => {
    const template = inject("postgresTemplate");
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await c.end();
    const port = await freePort();
    const p = proxy(port);
    const url = new URL(urlFor(name));
    url.port = String(port);
    const server = await startServer({ DATABASE_URL: url.toString(), ADMIN_API_KEY: admin, DATABASE_POOL_SIZE: "8" });
    try {
      const a = api(server.url);
      const down = await a.call("GET", "/v1/claims");
      expect(down.status).toBe(503);
      expect(down.body.code).toBe("service_unavailable");
      expect(server.output.join("")).toContain("cannot reach the database");

      await p.open();
      await server.logged("jcm-bridge ready");
      expect((await a.call("GET", "/health")).status).toBe(200);

      const { companyKey, serial } = await setUp(a, admin);
      const stream = claimStream(a, companyKey, serial, 4);
      // Connections cut while claims are in flight, ten times; then claims that go through again.
      for (let i = 1; i <= 10; i++) {
        await stream.reached(i * 4);
        p.cut();
      }
      const through = stream.answers.filter((x) => x.status === 201).length;
      await stream.reached(through + 8, 201);
      await stream.stop();
      const statuses = new Set(stream.answers.map((x) => x.status));
      expect(
        [...statuses].every((s) => s === 201 || s === 503),
        JSON.stringify([...statuses]),
      ).toBe(true);
      expect(statuses.has(503)).toBe(true);
      expect((await a.call("GET", "/v1/claims?limit=1")).status).toBe(200);
      for (const x of stream.answers.filter((y) => y.status === 201)) {
        expect((await a.call("GET", `/v1/claims/${x.id}`)).status).toBe(200);
      }
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
      await p.close();
    }
    const direct = await openDatabase({ kind: "postgres", url: urlFor(name), poolSize: 2 });
    try {
      expect(await auditLedger(direct.db)).toEqual([]);
    } finally {
      await direct.close();
    }
  });
});
