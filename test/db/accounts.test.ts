import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";

describe.runIf(databaseAvailable())("organizations and keys", () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await testContext();
  });
  afterAll(() => t.close());

  it("lets an admin create an organization of each role, with country and wallet", async () => {
    for (const role of ["registry", "government", "company", "admin"]) {
      const r = await t.call("POST", "/v1/organizations", {
        key: t.admin.key,
        body: { name: `Org ${role}`, role, country: "JP", walletAddress: "0x000000000000000000000000000000000000dEaD" },
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ name: `Org ${role}`, role, country: "JP" });
      expect(r.body.id).toMatch(/^org_/);
      expect(typeof r.body.createdAt).toBe("string");
    }
  });

  it("refuses a bad organization with every field error listed", async () => {
    const r = await t.call("POST", "/v1/organizations", {
      key: t.admin.key,
      body: { name: "", role: "king", country: "jp", walletAddress: "0x12" },
    });
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(r.body.code).toBe("invalid_request");
    expect(r.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "country",
      "name",
      "role",
      "walletAddress",
    ]);
  });

  it("issues a key shown once that authenticates as its organization, and revokes it at once", async () => {
    const org = await t.call("POST", "/v1/organizations", {
      key: t.admin.key,
      body: { name: "Keyed", role: "company" },
    });
    const k = await t.call("POST", `/v1/organizations/${org.body.id}/keys`, {
      key: t.admin.key,
      body: { label: "ci" },
    });
    expect(k.status).toBe(201);
    expect(k.body.key).toMatch(/^jcmk_[A-Za-z0-9_-]{43}$/);
    expect(k.body.id).toMatch(/^key_/);
    const me = await t.call("GET", "/v1/me", { key: k.body.key });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      organization: { id: org.body.id, role: "company" },
      key: { id: k.body.id, label: "ci" },
    });
    expect(JSON.stringify(me.body)).not.toContain(k.body.key);
    const del = await t.call("DELETE", `/v1/keys/${k.body.id}`, { key: t.admin.key });
    expect(del.status).toBe(204);
    expect((await t.call("GET", "/v1/me", { key: k.body.key })).status).toBe(401);
  });

  it("lets an organization revoke its own key but not another's", async () => {
    const a = await t.org("company");
    const b = await t.org("company");
    const meB = await t.call("GET", "/v1/me", { key: b.key });
    expect((await t.call("DELETE", `/v1/keys/${meB.body.key.id}`, { key: a.key })).status).toBe(403);
    const meA = await t.call("GET", "/v1/me", { key: a.key });
    expect((await t.call("DELETE", `/v1/keys/${meA.body.key.id}`, { key: a.key })).status).toBe(204);
    expect((await t.call("GET", "/v1/me", { key: a.key })).status).toBe(401);
  });

  it("answers 404 for keys of an unknown organization and for an unknown key", async () => {
    expect((await t.call("POST", "/v1/organizations/org_nope/keys", { key: t.admin.key, body: {} })).body.code).toBe(
      "organization_not_found",
    );
    expect((await t.call("DELETE", "/v1/keys/key_nope", { key: t.admin.key })).status).toBe(404);
  });

  it("answers 401 for a missing, malformed, unknown or revoked key, with problem+json", async () => {
    for (const header of [undefined, "Basic abc", "Bearer", "Bearer jcmk_unknown", "Bearer  two spaces"]) {
      const r = await t.app.request("/v1/me", { headers: header ? { authorization: header } : {} });
      expect(r.status).toBe(401);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect((await r.json()).code).toBe("unauthenticated");
    }
  });

  it("shows an organization to an admin or to itself, not to others", async () => {
    const a = await t.org("company", "JP");
    const b = await t.org("company", "JP");
    expect((await t.call("GET", `/v1/organizations/${a.id}`, { key: t.admin.key })).body).toMatchObject({
      id: a.id,
      role: "company",
    });
    expect((await t.call("GET", `/v1/organizations/${a.id}`, { key: a.key })).status).toBe(200);
    expect((await t.call("GET", `/v1/organizations/${a.id}`, { key: b.key })).status).toBe(403);
    expect((await t.call("GET", "/v1/organizations/org_missing", { key: t.admin.key })).status).toBe(404);
  });

  it("stores only a hash of each key", async () => {
    const { rows } = await import("../../db/values.js");
    const { sql } = await import("drizzle-orm");
    const stored = await rows(t.database.db, sql`SELECT key_hash FROM api_keys`);
    for (const r of stored) expect(String(r.key_hash)).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(t.admin.key);
  });

  it("hands an admin a backup of the embedded database, and on PostgreSQL says to use pg_dump", async () => {
    const company = await t.org("company", "JP");
    expect((await t.call("GET", "/v1/admin/backup", { key: company.key })).status).toBe(403);
    const res = await t.app.request("/v1/admin/backup", { headers: { authorization: `Bearer ${t.admin.key}` } });
    if (dbKind === "pglite") {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/gzip");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    } else {
      expect(res.status).toBe(409);
      expect(((await res.json()) as { code: string }).code).toBe("backup_by_pg_dump");
    }
  });
});
