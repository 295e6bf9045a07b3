import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestContext, testContext } from "../helpers/app.js";
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
