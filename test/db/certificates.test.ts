import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CertifiedClaim, verifyCertificate } from "../../api/ledger/journal/certificate.js";
import { sealJournal } from "../../api/ledger/journal/seal.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";
import { sealEverything } from "../helpers/seal.js";

describe.runIf(databaseAvailable())("claim certificates a buyer can verify", () => {
  let t: TestContext;
  let iss: Issued;
  let company: Org;
  let claim: CertifiedClaim;
  beforeAll(async () => {
    t = await testContext();
    iss = await t.issue({ project: "MN004", start: 1, end: 1000 });
    company = await t.org("company", "JP", "Aozora Trading");
    await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 500)], organizationId: company.id, registryReference: "r" },
    });
    for (let i = 0; i < 5; i++) {
      await t.call("POST", "/v1/claims", {
        key: company.key,
        body: {
          serials: [iss.serials(1 + i * 10, 5 + i * 10)],
          beneficiary: { name: `Beneficiary ${i}`, country: "JP" },
          claimType: "contribution",
          purpose: "Offset",
          period: { start: "2025-01-01", end: "2025-12-31" },
        },
      });
    }
    await sealEverything(t.deps);
    const list = await t.call("GET", `/v1/claims?claimant=${company.id}`);
    claim = (await t.call("GET", `/v1/claims/${list.body.data[2].id}`)).body;
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("carries the journal entry, a Merkle proof to a stored root, and verifies offline", async () => {
    expect(claim.certificate).toMatchObject({
      entry: { kind: "claim" },
      root: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(verifyCertificate(claim)).toEqual([
      expect.objectContaining({ step: "entry", ok: true }),
      expect.objectContaining({ step: "claim", ok: true }),
      expect.objectContaining({ step: "inclusion", ok: true }),
    ]);
    const roots = await t.call("GET", "/v1/journal/roots");
    expect(roots.body.data.map((r: { root: string }) => r.root)).toContain(claim.certificate.root);
  });

  it.each([
    [
      "beneficiary",
      (c: CertifiedClaim) => ({ ...c, beneficiary: { ...c.beneficiary, name: "Someone Else" } }),
      "claim",
    ],
    ["quantity", (c: CertifiedClaim) => ({ ...c, quantity: c.quantity + 1 }), "claim"],
    ["serials", (c: CertifiedClaim) => ({ ...c, serials: ["JCM-JP-MN004-2020-900-904"] }), "claim"],
    ["claimType", (c: CertifiedClaim) => ({ ...c, claimType: "compensation" as const }), "claim"],
    ["purpose", (c: CertifiedClaim) => ({ ...c, purpose: "Something else" }), "claim"],
    ["createdAt", (c: CertifiedClaim) => ({ ...c, createdAt: "2020-01-01T00:00:00.000Z" }), "claim"],
    ["claimantName", (c: CertifiedClaim) => ({ ...c, claimantName: "Other Co." }), "claim"],
    ["hostCountries", (c: CertifiedClaim) => ({ ...c, hostCountries: ["ID"] }), "claim"],
    ["id", (c: CertifiedClaim) => ({ ...c, id: "clm_forged" }), "claim"],
    [
      "certificate.hash",
      (c: CertifiedClaim) => ({ ...c, certificate: { ...c.certificate, hash: "0".repeat(64) } }),
      "entry",
    ],
    [
      "certificate.journalSeq",
      (c: CertifiedClaim) => ({ ...c, certificate: { ...c.certificate, journalSeq: 1 } }),
      "entry",
    ],
    [
      "certificate.entry.details",
      (c: CertifiedClaim) => ({
        ...c,
        certificate: {
          ...c.certificate,
          entry: { ...c.certificate.entry, details: { ...c.certificate.entry.details, quantity: 1 } },
        },
      }),
      "entry",
    ],
    [
      "certificate.entry.at",
      (c: CertifiedClaim) => ({
        ...c,
        certificate: { ...c.certificate, entry: { ...c.certificate.entry, at: "2020-01-01T00:00:00.000Z" } },
      }),
      "entry",
    ],
    [
      "certificate.root",
      (c: CertifiedClaim) => ({ ...c, certificate: { ...c.certificate, root: "f".repeat(64) } }),
      "inclusion",
    ],
    [
      "certificate.proof",
      (c: CertifiedClaim) => ({
        ...c,
        certificate: {
          ...c.certificate,
          proof: (c.certificate.proof ?? []).map((p, i) => (i === 0 ? { ...p, hash: "e".repeat(64) } : p)),
        },
      }),
      "inclusion",
    ],
    [
      "certificate.leafIndex",
      (c: CertifiedClaim) => ({
        ...c,
        certificate: { ...c.certificate, leafIndex: (c.certificate.leafIndex ?? 0) + 1 },
      }),
      "inclusion",
    ],
  ])("catches a tampered %s at the %s step", (_field, tamper, failingStep) => {
    const steps = verifyCertificate(tamper(structuredClone(claim)) as CertifiedClaim);
    expect(steps.find((s) => s.step === failingStep)?.ok, JSON.stringify(steps)).toBe(false);
  });

  it("seals later entries into new roots without touching sealed ones", async () => {
    const before = await t.call("GET", "/v1/journal/roots");
    await t.call("POST", "/v1/withdrawals", {
      key: company.key,
      body: { serials: [iss.serials(400, 410)], registryReference: "w" },
    });
    const [root, ...more] = await sealEverything(t.deps);
    expect(root?.size).toBe(1);
    expect(more).toEqual([]);
    expect(await sealJournal(t.deps)).toBeUndefined();
    const after = await t.call("GET", "/v1/journal/roots");
    expect(after.body.data).toHaveLength(before.body.data.length + 1);
    expect(after.body.data.slice(1)).toEqual(before.body.data);
  });
});
