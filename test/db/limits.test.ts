import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

describe.runIf(databaseAvailable())("rate limits, CORS and secrets", () => {
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
});
