import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";
import { sealEverything } from "../helpers/seal.js";

/**
 * `/metrics` as Prometheus reads it: parsed by a Prometheus text-format parser, its counters
 * moving with the requests a test makes, its gauges with the backlogs, and closed to other
 * machines unless they present METRICS_TOKEN.
 */
describe.runIf(databaseAvailable())("metrics", () => {
  let t: TestContext;
  let company: Org;
  beforeAll(async () => {
    t = await testContext();
    company = await t.org("company", "JP", "Metrics K.K.");
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  const LOCAL = { "x-forwarded-for": "127.0.0.1" };
  async function scrape() {
    const res = await t.app.request("/metrics", { headers: LOCAL });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    return parsePrometheusTextFormat(await res.text());
  }
  const value = (families: Awaited<ReturnType<typeof scrape>>, name: string, labels: Record<string, string> = {}) => {
    const family = families.find((f) => f.name === name);
    const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    return Number(sample?.value ?? sample?.count ?? 0);
  };

  it("counts requests and refusals by route, status and code, and times them", async () => {
    const before = await scrape();
    const route = { method: "GET", route: "/v1/claims/:id", status: "404" };
    for (let i = 0; i < 3; i++) expect((await t.call("GET", `/v1/claims/clm_missing${i}`)).status).toBe(404);
    const after = await scrape();
    expect(value(after, "jcm_http_requests_total", route) - value(before, "jcm_http_requests_total", route)).toBe(3);
    const refused = { code: "claim_not_found", status: "404" };
    expect(
      value(after, "jcm_ledger_refusals_total", refused) - value(before, "jcm_ledger_refusals_total", refused),
    ).toBe(3);
    expect(after.find((f) => f.name === "jcm_http_request_duration_seconds")?.type).toBe("HISTOGRAM");
    // The parser keeps a labelled histogram's buckets but not its labels: its count is read off the text.
    const text = await (await t.app.request("/metrics", { headers: LOCAL })).text();
    const count =
      /^jcm_http_request_duration_seconds_count\{method="GET",route="\/v1\/claims\/:id",status="404"\} ([0-9]+)$/m;
    expect(Number(count.exec(text)?.[1])).toBeGreaterThanOrEqual(3);
    // Unmatched paths share one label, so a scanner cannot grow the label set without bound.
    await t.call("GET", "/no/such/path/at/all");
    expect(value(await scrape(), "jcm_http_requests_total", { route: "unmatched", status: "404" })).toBeGreaterThan(0);
  });

  it("reports the journal's sealing lag and the webhook backlog as they change", async () => {
    await sealEverything(t.deps);
    expect(value(await scrape(), "jcm_journal_unsealed_entries")).toBe(0);
    const hook = await t.call("POST", "/v1/webhooks", {
      key: company.key,
      body: { url: "http://127.0.0.1:9/never", types: ["deposit.created"] },
    });
    expect(hook.status).toBe(201);
    const backlog = value(await scrape(), "jcm_webhook_backlog");
    await t.held(company);
    const now = await scrape();
    expect(value(now, "jcm_journal_unsealed_entries")).toBeGreaterThanOrEqual(3);
    expect(value(now, "jcm_webhook_backlog")).toBe(backlog + 1);
    await sealEverything(t.deps);
    expect(value(await scrape(), "jcm_journal_unsealed_entries")).toBe(0);
    await t.call("DELETE", `/v1/webhooks/${hook.body.id}`, { key: company.key });
  });

  it("answers other machines only with METRICS_TOKEN", async () => {
    const remote = { "x-forwarded-for": "203.0.113.7" };
    expect((await t.app.request("/metrics", { headers: remote })).status).toBe(403);
    t.deps.config.metricsToken = "a-metrics-token-of-some-length";
    try {
      expect((await t.app.request("/metrics", { headers: remote })).status).toBe(401);
      const wrong = { ...remote, authorization: "Bearer a-metrics-token-of-some-lengtX" };
      expect((await t.app.request("/metrics", { headers: wrong })).status).toBe(401);
      const right = { ...remote, authorization: "Bearer a-metrics-token-of-some-length" };
      expect((await t.app.request("/metrics", { headers: right })).status).toBe(200);
    } finally {
      t.deps.config.metricsToken = undefined;
    }
  });
});
