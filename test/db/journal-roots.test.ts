import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CertifiedClaim, verifyCertificate } from "../../api/ledger/journal/certificate.js";
import { merkleRoot } from "../../api/ledger/journal/merkle.js";
import { sealJournal } from "../../api/ledger/journal/seal.js";
import { openDatabase } from "../../db/client.js";
import { rows } from "../../db/values.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";
import { sealEverything } from "../helpers/seal.js";

describe.runIf(databaseAvailable())("journal roots tile the journal", () => {
  let t: TestContext;
  let issuances: Issued[];
  let company: Org;
  const claimBody = (serials: string) => ({
    serials: [serials],
    claimType: "contribution",
    beneficiary: { name: "Sealed Co.", country: "JP" },
    purpose: "roots",
    period: { start: "2025-01-01", end: "2025-12-31" },
  });

  beforeAll(async () => {
    t = await testContext({ poolSize: 12 });
    company = await t.org("company", "JP");
    const registry = await t.org("registry", "JP");
    issuances = [];
    for (let i = 0; i < 4; i++) issuances.push(await t.issue({ registry, start: 1 + i * 1000, end: (i + 1) * 1000 }));
    for (const [i, iss] of issuances.entries()) {
      await t.call("POST", "/v1/deposits", {
        key: registry.key,
        body: {
          serials: [iss.serials(1 + i * 1000, (i + 1) * 1000)],
          organizationId: company.id,
          registryReference: "r",
        },
      });
    }
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("answers a fresh claim's certificate without writing: no root yet, and when to look again", async () => {
    const iss = issuances[0] as Issued;
    await sealEverything(t.deps);
    const claim = await t.call("POST", "/v1/claims", { key: company.key, body: claimBody(iss.serials(999)) });
    expect(claim.status).toBe(201);
    const count = async () => (await rows(t.database.db, sql`SELECT count(*)::int AS n FROM journal_roots`))[0]?.n;
    const before = await count();
    const fresh = await t.call("GET", `/v1/claims/${claim.body.id}`);
    expect(fresh.body.certificate).toMatchObject({ root: null, proof: null, sealing: { expectedWithinSeconds: 2 } });
    const page = await t.call("GET", `/claims/${claim.body.id}`);
    expect(page.body).toContain("being sealed");
    expect(await count()).toBe(before);
    await sealEverything(t.deps);
    const sealed = (await t.call("GET", `/v1/claims/${claim.body.id}`)).body as CertifiedClaim;
    expect(sealed.certificate.sealing).toBeNull();
    expect(verifyCertificate(sealed).every((s) => s.ok)).toBe(true);
  });

  it("seals, while claims commit concurrently and two processes seal, roots that tile the journal and recompute from their entries", async () => {
    // A second process of the service beside this one, sealing too.
    const other =
      dbKind === "postgres"
        ? await openDatabase({ kind: "postgres", url: t.database.url as string, poolSize: 2 })
        : undefined;
    const sealers = [t.deps, ...(other ? [{ db: other.db, clock: t.deps.clock }] : [])];
    const claims = [];
    // Rounds of 60 claims committing in any order while both sealers run flat out.
    for (let round = 0; round < 3; round++) {
      let writing = true;
      const sealing = sealers.map(async (deps) => {
        while (writing) await sealJournal(deps);
      });
      const made = await Promise.all(
        Array.from({ length: 60 }, (_, i) => {
          const iss = issuances[i % 4] as Issued;
          const unit = (i % 4) * 1000 + 100 + round * 20 + Math.floor(i / 4);
          return t.call("POST", "/v1/claims", { key: company.key, body: claimBody(iss.serials(unit)) });
        }),
      );
      claims.push(...made);
      writing = false;
      await Promise.all(sealing);
    }
    await other?.close();
    expect(claims.map((c) => c.status)).toEqual(Array(180).fill(201));
    await sealEverything(t.deps);

    const roots = await rows(
      t.database.db,
      sql`SELECT id::text AS id, root, from_seq::text AS f, to_seq::text AS e, size FROM journal_roots ORDER BY journal_roots.id`,
    );
    expect(roots.length).toBeGreaterThan(1);
    let next = 1;
    for (const r of roots) {
      expect(Number(r.f), `root ${r.id} starts where the previous one ended`).toBe(next);
      next = Number(r.e) + 1;
      const entries = await rows(
        t.database.db,
        sql`SELECT hash FROM journal WHERE seq BETWEEN ${BigInt(String(r.f))} AND ${BigInt(String(r.e))} ORDER BY seq`,
      );
      expect(entries).toHaveLength(Number(r.size));
      expect(merkleRoot(entries.map((e) => String(e.hash))), `root ${r.id} recomputed from its range`).toBe(r.root);
      const published = await t.call("GET", `/v1/journal/roots/${r.id}/entries?limit=500`);
      expect(published.body.data.map((e: { hash: string }) => e.hash)).toEqual(entries.map((e) => e.hash));
    }
    const [last] = await rows(t.database.db, sql`SELECT max(seq)::text AS seq FROM journal`);
    expect(next - 1).toBeGreaterThanOrEqual(Number(last?.seq));
    for (const c of claims.slice(0, 10)) {
      const certified = (await t.call("GET", `/v1/claims/${c.body.id}`)).body as CertifiedClaim;
      expect(
        verifyCertificate(certified).every((s) => s.ok),
        c.body.id,
      ).toBe(true);
    }
  });
});
