import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

type Role = "admin" | "registry" | "government" | "company";

/** Every write endpoint and who may call it; everyone else gets 403, no key gets 401. */
const WRITES: { method: string; path: string; roles: Role[] }[] = [
  { method: "POST", path: "/v1/organizations", roles: ["admin"] },
  { method: "POST", path: "/v1/organizations/org_x/keys", roles: ["admin"] },
  { method: "POST", path: "/v1/projects", roles: ["registry"] },
  { method: "POST", path: "/v1/issuances", roles: ["registry"] },
  { method: "POST", path: "/v1/issuances/import", roles: ["registry"] },
  { method: "POST", path: "/v1/deposits", roles: ["registry"] },
  { method: "POST", path: "/v1/withdrawals", roles: ["registry", "company"] },
  { method: "GET", path: "/v1/holdings", roles: ["company"] },
  { method: "POST", path: "/v1/transfers", roles: ["company"] },
  { method: "POST", path: "/v1/claims", roles: ["company"] },
  { method: "POST", path: "/v1/claims/batch", roles: ["company"] },
  { method: "POST", path: "/v1/webhooks", roles: ["admin", "registry", "government", "company"] },
  { method: "GET", path: "/v1/webhooks", roles: ["admin", "registry", "government", "company"] },
  { method: "DELETE", path: "/v1/webhooks/whk_x", roles: ["admin", "registry", "government", "company"] },
  { method: "POST", path: "/v1/government-reports", roles: ["government"] },
  { method: "GET", path: "/v1/me", roles: ["admin", "registry", "government", "company"] },
  { method: "DELETE", path: "/v1/keys/key_x", roles: ["admin", "registry", "government", "company"] },
];

const PUBLIC = [
  ["GET", "/v1/projects/MN006"],
  ["GET", "/v1/projects"],
  ["GET", "/v1/issuances/iss_1"],
  ["GET", "/v1/claims"],
  ["GET", "/v1/claims/clm_x"],
  ["GET", "/v1/claims/clm_x/certificate.pdf"],
  ["GET", "/v1/events"],
  ["GET", "/v1/lookup?system=jcm-registry-jp&id=TX-1"],
  ["GET", "/claims"],
  ["GET", "/v1/status/JCM-JP-MN006-2020-1"],
  ["GET", "/v1/provenance/JCM-JP-MN006-2020-1"],
  ["POST", "/v1/status"],
  ["GET", "/openapi.json"],
  ["GET", "/docs"],
  ["GET", "/"],
];

describe.runIf(databaseAvailable())("auth matrix", () => {
  let t: TestContext;
  const orgs = {} as Record<Role, Org>;
  beforeAll(async () => {
    t = await testContext();
    orgs.admin = t.admin;
    orgs.registry = await t.org("registry", "JP");
    orgs.government = await t.org("government", "JP");
    orgs.company = await t.org("company", "JP");
  });
  afterAll(() => t.close());

  it.each(WRITES)("$method $path: 401 without a key, 403 for other roles, allowed roles pass auth", async (w) => {
    const body = w.method === "POST" ? {} : undefined;
    const none = await t.call(w.method, w.path, { body });
    expect(none.status).toBe(401);
    for (const role of ["admin", "registry", "government", "company"] as Role[]) {
      const r = await t.call(w.method, w.path, { key: orgs[role].key, body });
      if (w.roles.includes(role))
        expect([200, 201, 204, 400, 404], `${role}: ${JSON.stringify(r.body)}`).toContain(r.status);
      else {
        expect(r.status, role).toBe(403);
        expect(r.body.code).toBe("forbidden");
      }
    }
  });

  it.each(PUBLIC)("%s %s is public: no key needed", async (method, path) => {
    const r = await t.call(method, path, {
      body: method === "POST" ? { serials: ["JCM-JP-MN006-2020-1"] } : undefined,
    });
    expect([200, 404]).toContain(r.status);
  });
});
