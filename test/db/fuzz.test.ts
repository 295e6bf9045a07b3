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
  ),
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
      ),
      fc.oneof(
        junkValue,
        fc.array(junkValue, { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 8 }), junkValue, { maxKeys: 3 }),
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
        async ([method, path, role], segment, query, body, type, authed) => {
          const url = `${path.replace("{x}", segment)}${query ? `?${query}` : ""}`;
          const headers: Record<string, string> = type ? { "content-type": type } : {};
          if (authed && role) headers.authorization = `Bearer ${keys[role]?.key}`;
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
});
