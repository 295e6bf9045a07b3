import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows } from "../../db/values.js";
import { type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

/** Generated junk at every endpoint: never a 5xx, never a change to the ledger. */
const ENDPOINTS: [string, string, "admin" | "registry" | "company" | "government" | null][] = [
  ["POST", "/v1/organizations", "admin"],
  ["POST", "/v1/organizations/{x}/keys", "admin"],
  ["DELETE", "/v1/keys/{x}", "company"],
  ["GET", "/v1/organizations/{x}", "admin"],
  ["PATCH", "/v1/organizations/{x}", "admin"],
  ["POST", "/v1/projects", "registry"],
  ["GET", "/v1/projects/{x}", null],
  ["GET", "/v1/projects", null],
  ["POST", "/v1/issuances", "registry"],
  ["POST", "/v1/issuances/import", "registry"],
  ["GET", "/v1/issuances/{x}", null],
  ["POST", "/v1/deposits", "registry"],
  ["POST", "/v1/withdrawals", "company"],
  ["GET", "/v1/holdings", "company"],
  ["POST", "/v1/transfers", "company"],
  ["POST", "/v1/claims", "company"],
  ["GET", "/v1/claims/{x}", null],
  ["GET", "/v1/claims", null],
  ["POST", "/v1/government-reports", "government"],
  ["GET", "/v1/status/{x}", null],
  ["POST", "/v1/status", null],
  ["GET", "/v1/provenance/{x}", null],
  ["GET", "/v1/journal/roots", null],
  ["GET", "/v1/exports/claims.csv", null],
  ["GET", "/v1/exports/government-uses.csv", null],
  ["POST", "/v1/tokenizations", "company"],
  ["GET", "/v1/chain", null],
  ["GET", "/serials/{x}", null],
  ["GET", "/claims/{x}", null],
  ["GET", "/projects/{x}", null],
  ["GET", "/search", null],
];

const junkValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.bigInt().map(String),
  fc.constantFrom(
    "JCM-JP-MN006-2020-1-10",
    "JCM-JP-MN006-2020-0",
    "iss_1",
    "clm_",
    "9".repeat(40),
    "\u0000",
    "%00",
    "__proto__",
    // Text PostgreSQL cannot store or read back: lone surrogates, NUL inside an id.
    "\ud800",
    "Kanto \udc00 Rail",
    "org_\u0000",
    // Dates PostgreSQL has no year for.
    "0000-01-01",
    "0000-12-31",
  ),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 3 }),
  fc.constant(null),
  fc.boolean(),
);
const junkBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom(
        "serials",
        "allocate",
        "name",
        "role",
        "ref",
        "projectRef",
        "serialStart",
        "serialEnd",
        "kind",
        "year",
        "organizationId",
        "toOrganizationId",
        "beneficiary",
        "claimType",
        "period",
        "issuances",
        "toAddress",
        "quantity",
        "purpose",
        "registryReference",
        "reference",
        "label",
        "registries",
        "registeredOn",
      ),
      fc.oneof(
        junkValue,
        fc.array(junkValue, { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 8 }), junkValue, { maxKeys: 3 }),
        fc.dictionary(fc.constantFrom("start", "end", "name", "country"), junkValue, { maxKeys: 2 }),
      ),
      { maxKeys: 6 },
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString("latin1")),
);
const junkSegment = fc.oneof(
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom(
    "JCM-JP-MN006-2020-1-10",
    "JCM-JP-MN006-2020-1-99999999999999999",
    "%E0%A4%A",
    "..%2F..",
    "clm_x",
    "iss_0",
    "MN006",
  ),
);
const junkQuery = fc
  .dictionary(
    fc.constantFrom("limit", "cursor", "year", "hostCountry", "party", "claimant", "txHash", "q"),
    fc.string({ maxLength: 20 }),
    {
      maxKeys: 3,
    },
  )
  .map((q) => new URLSearchParams(q).toString());

describe.runIf(databaseAvailable())("fuzzing every endpoint", () => {
  let t: TestContext;
  let keys: Record<string, Org>;
  const snapshot = async () =>
    rows(
      t.database.db,
      sql`SELECT (SELECT count(*) FROM journal)::int AS journal, (SELECT count(*) FROM segments)::int AS segments,
                 (SELECT count(*) FROM claims)::int AS claims, (SELECT count(*) FROM organizations)::int AS orgs`,
    );
  beforeAll(async () => {
    t = await testContext();
    const iss = await t.issue({ project: "MN006", start: 1, end: 100 });
    keys = {
      admin: t.admin,
      registry: iss.registry,
      company: await t.org("company", "JP"),
      government: await t.org("government", "MN"),
    };
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("answers generated junk with a 4xx (or a harmless 2xx), never a 5xx, and changes nothing", async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        junkSegment,
        junkQuery,
        junkBody,
        fc.constantFrom("application/json", "text/csv", "text/plain", "application/json; charset=utf-8", ""),
        fc.boolean(),
        fc.option(fc.nat(), { nil: undefined }),
        async ([method, path, role], segment, query, body, type, authed, idempotencyKey) => {
          const url = `${path.replace("{x}", segment)}${query ? `?${query}` : ""}`;
          const headers: Record<string, string> = type ? { "content-type": type } : {};
          if (authed && role) headers.authorization = `Bearer ${keys[role]?.key}`;
          // Inside the idempotency transaction a refused statement must refuse the same way.
          if (idempotencyKey !== undefined) headers["idempotency-key"] = `fuzz-${idempotencyKey}`;
          const res = await t.app.request(url, {
            method,
            headers,
            body: method === "GET" || method === "DELETE" ? undefined : body,
          });
          const text = await res.text();
          expect(res.status, `${method} ${url} ${body.slice(0, 100)} → ${text.slice(0, 300)}`).toBeLessThan(500);
          // Only writes that validated could change the ledger; with junk none may succeed.
          if (method === "POST" && !["/v1/status"].includes(path)) expect(res.status).not.toBe(201);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
    expect(await snapshot()).toEqual(before);
  });

  it("answers a valid request with one hostile field with a 4xx, never a 5xx, with or without an Idempotency-Key", async () => {
    // Junk rarely gets past validation; a request that is valid but for one field reaches the
    // lookups and writes behind it, where text or dates the database cannot hold used to fail.
    const company2 = await t.org("company", "JP");
    const u = (n: number) => `JCM-JP-MN006-2020-${n}`;
    const deposit = await t.call("POST", "/v1/deposits", {
      key: keys.registry?.key,
      body: { serials: [`${u(1)}-50`], organizationId: keys.company?.id, registryReference: "fuzz" },
    });
    expect(deposit.status).toBe(201);
    const period = { start: "2025-01-01", end: "2025-12-31" };
    const issuance = {
      projectRef: "MN006",
      registry: "JP",
      vintage: 2020,
      monitoringPeriod: { start: "2019-01-01", end: "2020-12-31" },
      serialStart: 90_000,
      serialEnd: 90_010,
    };
    const templates: [string, string, keyof typeof keys | null, object][] = [
      [
        "POST",
        "/v1/claims",
        "company",
        { serials: [u(1)], claimType: "contribution", beneficiary: { name: "B", country: "JP" }, purpose: "p", period },
      ],
      [
        "POST",
        "/v1/deposits",
        "registry",
        { serials: [u(60)], organizationId: keys.company?.id, registryReference: "r" },
      ],
      ["POST", "/v1/withdrawals", "company", { serials: [u(2)], registryReference: "r" }],
      ["POST", "/v1/transfers", "company", { serials: [u(3)], toOrganizationId: company2.id }],
      [
        "POST",
        "/v1/government-reports",
        "government",
        { kind: "authorization", year: 2025, serials: [u(70)], reference: "r" },
      ],
      ["POST", "/v1/organizations", "admin", { name: "x", role: "company", country: "JP" }],
      ["POST", `/v1/organizations/${company2.id}/keys`, "admin", { label: "l" }],
      ["PATCH", `/v1/organizations/${keys.registry?.id}`, "admin", { registries: ["JP"] }],
      [
        "POST",
        "/v1/projects",
        "registry",
        { ref: "MN555", title: "t", hostCountry: "MN", methodology: "m", registeredOn: "2020-01-01" },
      ],
      ["POST", "/v1/issuances", "registry", issuance],
      ["POST", "/v1/issuances/import", "registry", { issuances: [issuance] }],
      ["POST", "/v1/status", null, { serials: [u(1)] }],
    ];
    const hostile = fc.oneof(
      fc.constantFrom("\ud800", "\udfff", "a\u0000b", "0000-01-01", "0000-02-29", 1e308, -1, 2 ** 63, 0.5, "", null),
      fc.string({ maxLength: 6 }).map((s) => `${s}\ud83d`),
      fc.string({ maxLength: 6 }).map((s) => `\udc00${s}`),
    );
    /** The template with its leaves (strings, numbers) replaced by `replace(leaf, position)`; and their count. */
    const mapLeaves = (value: unknown, replace: (leaf: unknown, at: number) => unknown) => {
      let count = 0;
      const walk = (v: unknown): unknown => {
        if (typeof v !== "object" || v === null) return replace(v, count++);
        if (Array.isArray(v)) return v.map(walk);
        return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, walk(child)]));
      };
      return { value: walk(value), count };
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates),
        fc.nat(20),
        hostile,
        fc.option(fc.nat(), { nil: undefined }),
        async ([method, path, role, template], pick, value, idempotencyKey) => {
          const at = pick % mapLeaves(template, (leaf) => leaf).count;
          const body = mapLeaves(template, (leaf, i) => (i === at ? value : leaf)).value;
          const headers: Record<string, string> = role ? { "idempotency-key": `hostile-${idempotencyKey}` } : {};
          if (idempotencyKey === undefined) delete headers["idempotency-key"];
          const r = await t.call(method, path, { key: role ? keys[role]?.key : undefined, body, headers });
          expect(
            r.status,
            `${method} ${path} ${JSON.stringify(body).slice(0, 200)} → ${JSON.stringify(r.body).slice(0, 300)}`,
          ).toBeLessThan(500);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  });
});
