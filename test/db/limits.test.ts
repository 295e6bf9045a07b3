import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { every } from "../../api/background.js";
import type { AppEnv } from "../../api/http/env.js";
import { onError } from "../../api/http/problem.js";
import { rows } from "../../db/values.js";
import { memoryLogger, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

describe.runIf(databaseAvailable())("rate limits, CORS, security headers and secrets", () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await testContext({ publicPerMinute: 5, authFailuresPerMinute: 3 });
  });
  afterAll(() => t.close());

  const from = (address: string, extra: Record<string, string> = {}) => ({
    headers: { "x-forwarded-for": address, ...extra },
  });

  it("limits public reads per address with 429 and Retry-After", async () => {
    for (let i = 0; i < 5; i++) expect((await t.app.request("/v1/claims", from("10.0.0.1"))).status).toBe(200);
    const limited = await t.app.request("/v1/claims", from("10.0.0.1"));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("content-type")).toContain("application/problem+json");
    expect((await limited.json()).code).toBe("rate_limited");
    expect((await t.app.request("/v1/claims", from("10.0.0.2"))).status).toBe(200);
  });

  it("throttles failed authentication per address, leaving other addresses alone", async () => {
    for (let i = 0; i < 3; i++) {
      expect((await t.app.request("/v1/me", from("10.0.0.3", { authorization: "Bearer jcmk_guess" }))).status).toBe(
        401,
      );
    }
    const blocked = await t.app.request("/v1/me", from("10.0.0.3", { authorization: `Bearer ${t.admin.key}` }));
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).not.toBeNull();
    expect((await t.app.request("/v1/me", from("10.0.0.4", { authorization: `Bearer ${t.admin.key}` }))).status).toBe(
      200,
    );
  });

  it("takes a presented key on a public read as authentication: a wrong one is a 401 and a failed authentication, never a pass", async () => {
    const answers = [];
    for (let i = 0; i < 8; i++) {
      answers.push((await t.app.request("/v1/claims", from("10.0.1.1", { authorization: "Bearer garbage" }))).status);
    }
    expect(answers).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
    const company = await t.org("company", "JP");
    for (let i = 0; i < 8; i++) {
      const read = await t.app.request("/v1/claims", from("10.0.1.2", { authorization: `Bearer ${company.key}` }));
      expect(read.status).toBe(200);
    }
  });

  it("limits the HTML pages like the API reads they do", async () => {
    const pages = ["/", "/serials/JCM-JP-MN006-2020-1", "/projects/MN006", "/claims/clm_x", "/search?q=MN006"];
    const answers = [];
    for (const path of [...pages, "/serials/JCM-JP-MN006-2020-2"]) {
      answers.push((await t.app.request(path, from("10.0.1.3"))).status);
    }
    expect(answers.slice(0, 5).every((s) => s !== 429)).toBe(true);
    expect(answers[5]).toBe(429);
    expect((await t.app.request("/health", from("10.0.1.3"))).status).toBe(200);
  });

  it("grants no CORS to writes, and writes without a key draw nothing from the public limit", async () => {
    const registry = await t.org("registry", "JP");
    const cross = { origin: "https://evil.example", authorization: `Bearer ${registry.key}` };
    for (const [path, body] of [
      ["/v1/claims", "{}"],
      ["/v1/projects", "{}"],
      ["/v1/issuances/import", '{"issuances":[]}'],
      ["/v1/status", '{"serials":["JCM-JP-MN006-2020-1"]}'],
    ] as const) {
      const r = await t.app.request(path, {
        method: "POST",
        headers: { "x-forwarded-for": "10.0.1.4", "content-type": "application/json", ...cross },
        body,
      });
      expect(r.status, path).toBeLessThan(500);
      expect(r.headers.get("access-control-allow-origin"), path).toBe(path === "/v1/status" ? "*" : null);
    }
    const preflight = (path: string) =>
      t.app.request(path, {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      });
    expect((await preflight("/v1/claims")).headers.get("access-control-allow-methods")).not.toContain("POST");
    expect((await preflight("/v1/status")).headers.get("access-control-allow-methods")).toContain("POST");
    expect((await preflight("/v1/deposits")).headers.get("access-control-allow-origin")).toBeNull();
    for (let i = 0; i < 8; i++) {
      const anonymous = await t.app.request("/v1/issuances/import", {
        method: "POST",
        headers: { "x-forwarded-for": "10.0.1.5", "content-type": "text/csv" },
        body: "project_ref",
      });
      expect(anonymous.status).toBe(401);
    }
    expect((await t.app.request("/v1/claims", from("10.0.1.5"))).status).toBe(200);
  });

  it("opens public reads to every origin, and only them", async () => {
    const preflight = await t.app.request("/v1/status", {
      method: "OPTIONS",
      headers: {
        origin: "https://buyer.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    const read = await t.app.request("/v1/projects", from("10.0.0.5", { origin: "https://buyer.example" }));
    expect(read.headers.get("access-control-allow-origin")).toBe("*");
    const company = await t.org("company", "JP");
    const write = await t.app.request(
      "/v1/holdings",
      from("10.0.0.5", { origin: "https://evil.example", authorization: `Bearer ${company.key}` }),
    );
    expect(write.status).toBe(200);
    expect(write.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("writes no key or secret to any log line", async () => {
    const company = await t.org("company", "JP");
    await t.app.request("/v1/me", from("10.0.0.6", { authorization: `Bearer ${company.key}` }));
    await t.app.request("/v1/me", from("10.0.0.7", { authorization: "Bearer jcmk_not-a-real-key-but-secret" }));
    const logged = JSON.stringify(t.log.lines);
    expect(t.log.lines.length).toBeGreaterThan(0);
    for (const secret of [company.key, t.admin.key, "jcmk_not-a-real-key-but-secret"])
      expect(logged).not.toContain(secret);
  });

  it("logs a failed statement by its name and SQLSTATE, never the values it was sent", async () => {
    const log = memoryLogger();
    const failing = new Hono<AppEnv>();
    failing.use("*", async (c, next) => {
      c.set("deps", { ...t.deps, log });
      await next();
    });
    // The value is a parameter of the statement and, in PostgreSQL's own message, quoted back.
    failing.get("/fail", async (c) => c.json(await rows(c.get("deps").db, sql`SELECT ${"Taro Yamada"}::int AS n`)));
    failing.onError(onError);
    expect((await failing.request("/fail")).status).toBe(500);
    const warn = log.warn;
    const taskFailed = new Promise<void>((resolve) => {
      log.warn = (obj, msg) => {
        warn(obj, msg);
        if (msg === "background task failed") resolve();
      };
    });
    const task = every(60_000, () => rows(t.database.db, sql`SELECT ${"Hanako Sato"}::int`), log, "probe", 0);
    await taskFailed;
    await task.stop();
    const logged = JSON.stringify(log.lines);
    expect(logged).not.toContain("Taro Yamada");
    expect(logged).not.toContain("Hanako Sato");
    const [request] = log.lines.filter((l) => l.level === "error");
    expect(request?.obj).toMatchObject({
      status: 500,
      error: { pg: "22P02", statement: expect.stringMatching(/^SELECT \$1::int AS#[0-9a-f]{12}$/) },
    });
    const [background] = log.lines.filter((l) => l.msg === "background task failed");
    expect(background?.obj).toMatchObject({ task: "probe", error: { pg: "22P02" } });
  });

  it("sends security headers with every HTML page, found or not", async () => {
    for (const [path, status] of [
      ["/", 200],
      ["/projects/ZZ999", 404],
      ["/serials/not-a-serial", 400],
    ] as const) {
      const page = await t.app.request(path, from("10.0.0.8"));
      expect(page.status, path).toBe(status);
      expect(page.headers.get("content-type"), path).toContain("text/html");
      const csp = page.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain("script-src *");
      expect(page.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(page.headers.get("x-frame-options"), path).toBe("SAMEORIGIN");
      expect(page.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(page.headers.get("strict-transport-security"), path).toContain("max-age=");
      expect(page.headers.get("access-control-allow-origin"), path).toBeNull();
    }
  });
});
