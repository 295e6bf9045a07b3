import { randomBytes } from "node:crypto";
import type { Running } from "../processes.js";
import { httpClient, peakRss, percentile, round } from "./load.js";

/** How many single units a claim takes, and how many claims: 5 × 1,000 odd units split 10,000 units into 10,000 parts. */
const CLAIMS = 5;
const UNITS_PER_CLAIM = 1_000;
const UNITS = CLAIMS * UNITS_PER_CLAIM * 2;
const REPEATS = 50;

export interface HostileFigures {
  answerMs: number;
  status: number;
  answerBytes: number;
  parts: number;
  healthRequests: number;
  healthP50Ms: number;
  healthMaxMs: number;
  rssGrowthMb: number;
}

/**
 * The attack that once froze the server: an issuance split into 10,000 parts by claims of single
 * units, then one anonymous 3 KB `POST /v1/status` naming it 50 times, while another client keeps
 * asking `/health`. Run against a server on an empty ledger started with `ADMIN_API_KEY = adminKey`.
 */
export async function hostileStatus(server: Running, adminKey: string): Promise<HostileFigures> {
  const http = httpClient(server.url, 2);
  const json = async (path: string, body: object, key: string) => {
    const r = await http.send("POST", path, JSON.stringify(body), key);
    if (r.status >= 300) throw new Error(`${path} answered ${r.status}: ${r.body.slice(0, 300)}`);
    return JSON.parse(r.body) as { id: string; key: string };
  };
  try {
    const org = async (role: string) => {
      const o = await json("/v1/organizations", { name: `Hostile ${role}`, role, country: "JP" }, adminKey);
      return { id: o.id, key: (await json(`/v1/organizations/${o.id}/keys`, {}, adminKey)).key };
    };
    const registry = await org("registry");
    const company = await org("company");
    const project = `MN${String(100 + (randomBytes(1)[0] ?? 0)).slice(-3)}`;
    await json(
      "/v1/projects",
      { ref: project, title: "Hostile", hostCountry: "MN", methodology: "MN_AM003" },
      registry.key,
    );
    const prefix = `JCM-JP-${project}-2020`;
    await json(
      "/v1/issuances",
      {
        projectRef: project,
        registry: "JP",
        vintage: 2020,
        monitoringPeriod: { start: "2020-01-01", end: "2020-12-31" },
        serialStart: 1,
        serialEnd: UNITS,
      },
      registry.key,
    );
    await json(
      "/v1/deposits",
      { serials: [`${prefix}-1-${UNITS}`], organizationId: company.id, registryReference: "hostile" },
      registry.key,
    );
    for (let c = 0; c < CLAIMS; c++) {
      const serials = Array.from(
        { length: UNITS_PER_CLAIM },
        (_, k) => `${prefix}-${c * UNITS_PER_CLAIM * 2 + 2 * k + 1}`,
      );
      await json(
        "/v1/claims",
        {
          serials,
          claimType: "contribution",
          beneficiary: { name: "Hostile", country: "JP" },
          purpose: "split",
          period: { start: "2025-01-01", end: "2025-12-31" },
        },
        company.key,
      );
    }
    // A server in service has looked units up before: its first statement of a kind costs more (plans, caches).
    await http.send("POST", "/v1/status", JSON.stringify({ serials: [`${prefix}-1-10`] }));
    const rssBefore = peakRss(server.child.pid);
    const health = httpClient(server.url, 1);
    const latencies: number[] = [];
    let attacking = true;
    const watching = (async () => {
      while (attacking) {
        const t0 = performance.now();
        await health.send("GET", "/health");
        latencies.push(performance.now() - t0);
      }
    })();
    const attack = JSON.stringify({ serials: Array.from({ length: REPEATS }, () => `${prefix}-1-${UNITS}`) });
    const t0 = performance.now();
    const answer = await http.send("POST", "/v1/status", attack);
    const answerMs = performance.now() - t0;
    attacking = false;
    await watching;
    await health.close();
    const parsed = answer.status === 200 ? (JSON.parse(answer.body) as { results: { parts: unknown[] }[] }) : undefined;
    return {
      answerMs: round(answerMs, 1),
      status: answer.status,
      answerBytes: answer.body.length,
      parts: parsed?.results.reduce((n, r) => n + r.parts.length, 0) ?? 0,
      healthRequests: latencies.length,
      healthP50Ms: round(percentile(latencies, 50), 1),
      healthMaxMs: round(Math.max(...latencies), 1),
      rssGrowthMb: round(peakRss(server.child.pid) - rssBefore, 1),
    };
  } finally {
    await http.close();
  }
}
