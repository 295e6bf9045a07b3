import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

/**
 * The public pages in Japanese and English, the claim register with its filters and pages, and a
 * beneficiary's page, read as HTML from the app. Every test makes its own claims and searches for
 * a word only it uses.
 */
describe.runIf(databaseAvailable())("public pages: the claim register, beneficiaries, two languages", () => {
  let t: TestContext;
  let company: Org;
  beforeAll(async () => {
    t = await testContext();
    company = await t.org("company", "JP", "Register K.K.");
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  /** `count` contribution claims of one unit each, for `name`, on a fresh issuance; returns their ids, oldest first. */
  async function claimsFor(name: string, count: number, over: Record<string, unknown> = {}): Promise<string[]> {
    const iss = await t.held(company);
    const made = await t.call("POST", "/v1/claims/batch", {
      key: company.key,
      body: {
        claims: Array.from({ length: count }, (_, i) => ({
          serials: [iss.serials(i + 1)],
          beneficiary: { name, country: "JP" },
          claimType: "contribution",
          purpose: "Register test",
          period: { start: "2025-01-01", end: "2025-12-31" },
          ...over,
        })),
      },
    });
    expect(made.status).toBe(201);
    return made.body.data.map((c: { id: string }) => c.id);
  }
  const word = (w: string) => `${w}${Math.random().toString(36).slice(2, 9)}`;
  const html = async (path: string, headers: Record<string, string> = {}) => {
    const res = await t.app.request(path, { headers });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  it("speaks Japanese when asked by ?lang=ja or Accept-Language, English otherwise, and says which", async () => {
    const ja = await html("/claims?lang=ja");
    expect(ja.text).toContain('<html lang="ja">');
    expect(ja.text).toContain("クレーム登録簿");
    expect(ja.headers.get("content-language")).toBe("ja");
    const header = await html("/claims", { "accept-language": "ja-JP,ja;q=0.9,en;q=0.5" });
    expect(header.text).toContain('<html lang="ja">');
    expect(header.headers.get("vary")).toContain("Accept-Language");
    const en = await html("/claims", { "accept-language": "fr-FR" });
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain("Claim register");
    // ?lang= wins over the header, and the switch links to the other language of the same page.
    const chosen = await html("/claims?lang=en&reason=other", { "accept-language": "ja" });
    expect(chosen.text).toContain('<html lang="en">');
    expect(chosen.text).toContain('href="/claims?lang=ja&amp;reason=other"');
  });

  it("lists claims by filter a page at a time, each page link and the CSV link keeping the filters", async () => {
    const name = word("Paged Foods ");
    const ids = await claimsFor(name, 53, { reason: "environmental_benefit" });
    const first = await html(`/claims?beneficiary=${encodeURIComponent(name)}&reason=environmental_benefit`);
    expect(first.status).toBe(200);
    const shown = (text: string) => [...text.matchAll(/href="\/claims\/(clm_[0-9a-z]+)"/g)].map((m) => m[1]);
    expect(shown(first.text)).toEqual(ids.slice(3).reverse());
    const next = /href="(\/claims\?[^"]*cursor=[^"]+)" rel="next"/.exec(first.text)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toContain("reason=environmental_benefit");
    expect(next).toContain(`beneficiary=${encodeURIComponent(name).replaceAll("%20", "+")}`);
    const second = await html(next ?? "");
    expect(shown(second.text)).toEqual(ids.slice(0, 3).reverse());
    expect(second.text).not.toContain('rel="next"');
    const csvHref = /href="(\/v1\/exports\/claims\.csv\?[^"]+)"/.exec(first.text)?.[1]?.replaceAll("&amp;", "&");
    const csv = parse(await (await t.app.request(csvHref ?? "")).text(), { columns: true }) as Record<string, string>[];
    expect(csv.map((r) => r.claim_id).sort()).toEqual([...ids].sort());
    expect(new Set(csv.map((r) => r.reason))).toEqual(new Set(["environmental_benefit"]));
  });

  it("refuses a filter the API refuses, as a page", async () => {
    const bad = await html("/claims?framework=iso14064&lang=ja");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("表示できません");
    expect(bad.text).toContain("framework");
  });

  it("shows everything claimed for one organization, whatever case and width the claims wrote its name in", async () => {
    const name = word("Beneficiary Holdings ");
    const plain = await claimsFor(name, 2, { beneficiary: { name, country: "JP", legalId: "JP-CN:9999999999999" } });
    const wide = name.toUpperCase().replace(/[A-Z0-9]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    const shouted = await claimsFor(wide, 1);
    const person = await claimsFor(name, 1, { beneficiary: { name, country: "JP", kind: "person" } });
    const page = await html(`/beneficiaries/${encodeURIComponent(name.toLowerCase())}`);
    expect(page.status).toBe(200);
    for (const id of [...plain, ...shouted]) expect(page.text).toContain(id);
    // A person of the same name is someone else: not on the organization's page.
    expect(page.text).not.toContain(person[0]);
    expect(page.text).toContain("JP-CN:9999999999999");
    const year = new Date().getUTCFullYear();
    expect(page.text).toMatch(new RegExp(`<td>${year}</td><td>Contribution</td><td>3</td><td>3 tCO2e</td>`));
    const ja = await html(`/beneficiaries/${encodeURIComponent(wide)}?lang=ja`);
    expect(ja.text).toContain("年ごとの合計");
    expect(ja.text).toContain(plain[0]);
    expect((await html(`/beneficiaries/${word("nobody")}`)).status).toBe(404);
  });

  it("shows a claim's new statements and each block's authorization on its certificate, in both languages", async () => {
    const name = word("Certificate Co ");
    const [id] = await claimsFor(name, 1, {
      reason: "product_or_service",
      framework: { kind: "vcmi", tier: "platinum" },
      scopes: [3],
      reportingYear: 2025,
    });
    const en = await html(`/claims/${id}`);
    expect(en.text).toContain("Product or service claim");
    expect(en.text).toContain("VCMI Claims Code of Practice — Platinum");
    expect(en.text).toContain("Scope 3");
    expect(en.text).toContain(`/v1/claims/${id}/certificate.pdf?lang=en`);
    const ja = await html(`/claims/${id}?lang=ja`);
    expect(ja.text).toContain("クレーム証明書");
    expect(ja.text).toContain("製品・サービスのカーボン・オフセット");
    expect(ja.text).toContain("スコープ3");
  });
});
