import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { createKey, createOrganization } from "../../api/accounts/organizations.js";
import { createApp } from "../../api/app.js";
import type { AppDeps } from "../../api/http/env.js";
import { createRateLimits } from "../../api/http/rate-limit.js";
import { type IssuanceId, parseIssuanceId } from "../../api/ledger/core/ids.js";
import { auditLedger } from "../../api/ledger/journal/audit.js";
import type { Logger } from "../../api/ledger/ops/deps.js";
import type { Database, Timeouts } from "../../db/client.js";
import type { ReadReplica } from "../../db/replica.js";
import { freshDatabase } from "./db.js";

export interface LogLine {
  level: string;
  obj: object;
  msg?: string | undefined;
}

/** Collects log lines so tests can assert on them (and that no secret is ever written). */
export function memoryLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export interface Org {
  id: string;
  key: string;
  name: string;
  role: string;
  country: string | null;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions against API.md, not by types
  body: any;
}

export interface TestContext {
  database: Database & { url?: string };
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
  log: ReturnType<typeof memoryLogger>;
  admin: Org;
  call(
    method: string,
    path: string,
    options?: { key?: string | undefined; body?: unknown; headers?: Record<string, string> },
  ): Promise<Answer>;
  org(role: "admin" | "registry" | "government" | "company", country?: string | null, name?: string): Promise<Org>;
  /** A registry, a registered project and one issuance; returns what tests need to address units. */
  issue(options?: IssueOptions): Promise<Issued>;
  /**
   * `units` units of a fresh issuance, in a block of unit numbers no other call of this context
   * uses, the first `deposited` of them deposited with `holder`. Its `serials` count from 1.
   */
  held(
    holder: Org,
    options?: { units?: number; deposited?: number; hostCountry?: string; project?: string },
  ): Promise<Issued>;
  audit(): Promise<void>;
  close(): Promise<void>;
}

export interface IssueOptions {
  registry?: Org;
  project?: string;
  hostCountry?: string;
  registryCode?: string;
  vintage?: number;
  start?: number;
  end?: number;
}

export interface Issued {
  registry: Org;
  issuanceId: string;
  /** The issuance's number in the database, for tests that reach into its tables. */
  id: IssuanceId;
  project: string;
  prefix: string;
  /** Canonical serials of units `from..to` of this issuance. */
  serials(from: number, to?: number): string;
}

let projectCounter = 0;
/** Blocks of unit numbers handed out by `held`: a registry's serials are one space across its projects. */
let heldBlocks = 0;

export async function testContext(
  options: {
    poolSize?: number;
    publicPerMinute?: number;
    authFailuresPerMinute?: number;
    statusBatchMaxParts?: number;
    timeouts?: Timeouts;
    /** A database the test made itself (a primary with a replica), instead of a fresh one. */
    database?: Database & { url?: string };
    replica?: ReadReplica;
  } = {},
): Promise<TestContext> {
  const database = options.database ?? (await freshDatabase(options.poolSize, options.timeouts));
  const log = memoryLogger();
  const deps: AppDeps = {
    db: database.db,
    clock: () => new Date(),
    random: (n) => randomBytes(n),
    log,
    backup: database.backup,
    replica: options.replica,
    limits: createRateLimits({
      publicPerMinute: options.publicPerMinute ?? 1_000_000,
      authFailuresPerMinute: options.authFailuresPerMinute ?? 1_000_000,
      trustProxy: true,
    }),
    config: {
      maxBodyBytes: 1024 * 1024,
      maxImportBytes: 64 * 1024 * 1024,
      maxBatchBytes: 8 * 1024 * 1024,
      webhooks: { allowPrivate: true, timeoutMs: 5_000 },
      statusBatchMaxParts: options.statusBatchMaxParts ?? 50_000,
      journalSealMs: 1_000,
      publicBaseUrl: "http://bridge.test",
    },
  };
  const app = createApp(deps);
  const makeOrg = async (
    role: Org["role"] & ("admin" | "registry" | "government" | "company"),
    country: string | null = null,
    name?: string,
  ) => {
    const o = await createOrganization(deps, null, { name: name ?? `${role} ${country ?? ""}`.trim(), role, country });
    const k = await createKey(deps, null, o.id, "test");
    return { id: o.id, key: k.key, name: o.name, role, country };
  };
  const admin = await makeOrg("admin");
  const ctx: TestContext = {
    database,
    deps,
    app,
    log,
    admin,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.key) headers.authorization = `Bearer ${opts.key}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
        headers["content-type"] ??= "application/json";
      }
      const res = await app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // HTML or CSV: keep the text.
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    org: makeOrg,
    async issue(o = {}) {
      const code = o.registryCode ?? "JP";
      const registry = o.registry ?? (await makeOrg("registry", code));
      projectCounter += 1;
      const host = o.hostCountry ?? "MN";
      const project = o.project ?? `${host}${String(100 + (projectCounter % 900)).padStart(3, "0")}`;
      const existing = await ctx.call("GET", `/v1/projects/${project}`);
      if (existing.status === 404) {
        const p = await ctx.call("POST", "/v1/projects", {
          key: registry.key,
          body: { ref: project, title: `Test project ${project}`, hostCountry: host, methodology: `${host}_AM003` },
        });
        expect(p.status).toBe(201);
      }
      const vintage = o.vintage ?? 2020;
      const start = o.start ?? 1;
      const end = o.end ?? 10_000;
      const r = await ctx.call("POST", "/v1/issuances", {
        key: registry.key,
        body: {
          projectRef: project,
          registry: code,
          vintage,
          monitoringPeriod: { start: `${vintage - 1}-01-01`, end: `${vintage}-12-31` },
          serialStart: start,
          serialEnd: end,
        },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const prefix = `JCM-${code}-${project}-${vintage}`;
      return {
        registry,
        issuanceId: r.body.id,
        id: parseIssuanceId(r.body.id) as IssuanceId,
        project,
        prefix,
        serials: (from, to) => (to === undefined || to === from ? `${prefix}-${from}` : `${prefix}-${from}-${to}`),
      };
    },
    async held(holder, o = {}) {
      const units = o.units ?? 100;
      heldBlocks += 1;
      const offset = heldBlocks * 1_000_000;
      const iss = await ctx.issue({
        hostCountry: o.hostCountry ?? "MN",
        ...(o.project ? { project: o.project } : {}),
        start: offset + 1,
        end: offset + units,
      });
      const shifted: Issued = {
        ...iss,
        serials: (from, to) => iss.serials(offset + from, to === undefined ? undefined : offset + to),
      };
      const d = await ctx.call("POST", "/v1/deposits", {
        key: iss.registry.key,
        body: {
          serials: [shifted.serials(1, o.deposited ?? units)],
          organizationId: holder.id,
          registryReference: "r",
        },
      });
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      return shifted;
    },
    async audit() {
      expect(await auditLedger(database.db)).toEqual([]);
    },
    close: () => database.close(),
  };
  return ctx;
}
