import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROVENANCE_LIMITS } from "../../api/ledger/read/provenance.js";
import { STATUS_LIMITS } from "../../api/ledger/read/status.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

/**
 * Claims of single units split an issuance into as many parts as it has units: the attack that
 * froze the server. Every answer about such units comes in bounded pages that together say all.
 */
async function fragment(t: TestContext, iss: Issued, company: Org, blocks: number): Promise<void> {
  const deposit = await t.call("POST", "/v1/deposits", {
    key: iss.registry.key,
    body: { serials: [iss.serials(1, blocks * 2000)], organizationId: company.id, registryReference: "all" },
  });
  expect(deposit.status).toBe(201);
  for (let b = 0; b < blocks; b++) {
    const odd = Array.from({ length: 1000 }, (_, k) => iss.serials(b * 2000 + 2 * k + 1));
    const claim = await t.call("POST", "/v1/claims", {
      key: company.key,
      body: {
        serials: odd,
        claimType: "contribution",
        beneficiary: { name: "Fragmenting Co.", country: "JP" },
        purpose: `block ${b}`,
        period: { start: "2025-01-01", end: "2025-12-31" },
      },
    });
    expect(claim.status, JSON.stringify(claim.body).slice(0, 300)).toBe(201);
  }
}

interface Part {
  serials: string;
  state: string;
}

const lastUnit = (serials: string) => Number(serials.split("-").at(-1));
const firstUnit = (serials: string) => Number(serials.split("-")[4]);

describe.runIf(databaseAvailable())("answers about a fragmented issuance are bounded and paged", () => {
  let t: TestContext;
  let iss: Issued;
  const BLOCKS = 11;
  const UNITS = BLOCKS * 2000;

  beforeAll(async () => {
    t = await testContext();
    iss = await t.issue({ start: 1, end: UNITS });
    await fragment(t, iss, await t.org("company", "JP"), BLOCKS);
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("pages the parts of one range, and the pages together describe every unit once", async () => {
    const parts: Part[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await t.call("GET", `/v1/status/${iss.serials(1, UNITS)}${cursor ? `?cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      expect(r.body.quantity).toBe(UNITS);
      expect(r.body.doubleCounted).toBe(false);
      expect(r.body.parts.length).toBeLessThanOrEqual(STATUS_LIMITS.partsPerPage);
      if (cursor) expect(firstUnit(r.body.parts[0].serials)).toBe(Number(cursor));
      parts.push(...r.body.parts);
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(Math.ceil(UNITS / STATUS_LIMITS.partsPerPage));
    expect(parts).toHaveLength(UNITS);
    parts.forEach((p, i) => {
      expect(firstUnit(p.serials) === i + 1 && lastUnit(p.serials) === i + 1, p.serials).toBe(true);
      expect(p.state).toBe(i % 2 === 0 ? "claimed" : "held");
    });
  });

  it("takes a smaller page on request, and refuses a cursor outside the range", async () => {
    const small = await t.call("GET", `/v1/status/${iss.serials(101, 200)}?limit=7&cursor=150`);
    expect(small.body.parts.map((p: Part) => p.serials)).toEqual(
      [150, 151, 152, 153, 154, 155, 156].map((n) => iss.serials(n)),
    );
    expect(small.body.nextCursor).toBe("157");
    const outside = await t.call("GET", `/v1/status/${iss.serials(101, 200)}?cursor=201`);
    expect(outside.status).toBe(400);
    expect(outside.body.errors).toEqual([expect.objectContaining({ path: "cursor" })]);
    expect((await t.call("GET", `/v1/status/${iss.serials(101, 200)}?limit=1001`)).status).toBe(400);
  });

  it("shows each range of a batch up to its cap, with where to continue", async () => {
    const whole = iss.serials(1, UNITS);
    const r = await t.call("POST", "/v1/status", { body: { serials: Array.from({ length: 50 }, () => whole) } });
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(50);
    for (const result of r.body.results) {
      expect(result.parts).toHaveLength(STATUS_LIMITS.partsPerRangeInBatch);
      expect(result.nextCursor).toBe(String(STATUS_LIMITS.partsPerRangeInBatch + 1));
      expect(result.quantity).toBe(UNITS);
    }
    const mixed = await t.call("POST", "/v1/status", { body: { serials: [iss.serials(2), "JCM-JP-XX"] } });
    expect(mixed.body.results[0]).toMatchObject({ nextCursor: null, parts: [{ state: "held" }] });
    expect(mixed.body.results[1].status).toBe(400);
  });

  it("pages history so that the events of a page name a bounded number of ranges", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await t.call("GET", `/v1/provenance/${iss.serials(1, UNITS)}${cursor ? `?cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      const named = r.body.events.reduce((n: number, e: { serials: string[] }) => n + e.serials.length, 0);
      expect(named).toBeLessThanOrEqual(PROVENANCE_LIMITS.serialsPerPage);
      seen.push(...r.body.events.map((e: { seq: number }) => e.seq));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor !== null);
    // Issuance, deposit and one claim per block: the claims name 1,000 ranges each.
    expect(seen).toHaveLength(2 + BLOCKS);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(2);
  });

  it("pages the parts on the serials page too", async () => {
    const first = await t.call("GET", `/serials/${iss.serials(1, UNITS)}`);
    expect(first.status).toBe(200);
    const rows = (first.body as string).match(/<tr>/g) ?? [];
    expect(rows.length).toBeLessThanOrEqual(501);
    const next = /href="(\/serials\/[^"?]+\?cursor=(\d+))"/.exec(first.body as string);
    expect(next?.[2]).toBe("501");
    const second = await t.call("GET", next?.[1] as string);
    expect(second.status).toBe(200);
    expect(second.body).toContain(`>${iss.serials(501)}<`);
    expect((await t.call("GET", `/serials/${iss.serials(1, 10)}?cursor=x`)).status).toBe(400);
  });
});

describe.runIf(databaseAvailable())("a batch whose answer would exceed its cap", () => {
  let t: TestContext;
  let iss: Issued;
  const CAP = 1000;

  beforeAll(async () => {
    t = await testContext({ statusBatchMaxParts: CAP });
    iss = await t.issue({ start: 1, end: 2000 });
    await fragment(t, iss, await t.org("company", "JP"), 1);
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("answers up to the cap, and refuses one part more with 422 naming the limit", async () => {
    const whole = iss.serials(1, 2000);
    const perRange = STATUS_LIMITS.partsPerRangeInBatch;
    const fits = await t.call("POST", "/v1/status", {
      body: { serials: Array.from({ length: CAP / perRange }, () => whole) },
    });
    expect(fits.status).toBe(200);
    const over = await t.call("POST", "/v1/status", {
      body: { serials: [...Array.from({ length: CAP / perRange }, () => whole), iss.serials(1, 2)] },
    });
    expect(over.status).toBe(422);
    expect(over.headers.get("content-type")).toContain("application/problem+json");
    expect(over.body.code).toBe("answer_too_large");
    expect(over.body.limit).toEqual({ name: "STATUS_BATCH_MAX_PARTS", value: CAP });
  });
});
