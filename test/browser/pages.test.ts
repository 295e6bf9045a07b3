import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, type Running, runCli, startServer } from "../../scripts/processes.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
if (!available) console.warn(`[browser] ${CHROMIUM} is missing (apt-get install chromium): skipping the browser tests`);
const SHOTS = join(ROOT, "test-output", "screenshots");
const POPPLER = existsSync("/usr/bin/pdftotext") && existsSync("/usr/bin/pdftoppm");
if (!POPPLER && process.env.CI) throw new Error("pdftotext and pdftoppm are missing: .ci/run installs poppler-utils");

/** What a buyer does in a browser, on the seeded demo: search, read a claim, hit a wrong link. */
describe.runIf(available)("public pages in a real browser", () => {
  const dir = mkdtempSync(join(tmpdir(), "jcm-pages-"));
  let server: Running;
  let browser: Browser;
  let page: Page;
  let claimId: string;

  beforeAll(async () => {
    const seeded = await runCli(["seed"], { DATA_DIR: dir });
    expect(seeded.code, seeded.stderr).toBe(0);
    claimId = /claims (clm_[0-9a-z]+)/.exec(seeded.stdout)?.[1] ?? "";
    server = await startServer({ DATA_DIR: dir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill("SIGTERM");
    await server?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it("searches a serial range from the home page and shows the state and history of its units", async () => {
    await page.goto(server.url);
    await page.screenshot({ path: join(SHOTS, "home.png"), fullPage: true });
    const serials = await page.locator("table a[href^='/claims/']").first().textContent();
    expect(serials).toMatch(/^clm_/);
    const project = (await (await fetch(`${server.url}/v1/projects/MN006`)).json()) as {
      issuances: { serials: string }[];
    };
    const range = project.issuances[0]?.serials ?? "";
    await page.getByLabel("Serial range, claim id or project reference").fill(range);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/serials\//);
    expect(await page.locator("h1").textContent()).toContain(range);
    const states = await page.locator("tbody .badge").allTextContents();
    expect(states).toEqual(expect.arrayContaining(["Claimed", "Held in the bridge", "In registry"]));
    expect(await page.locator("ol.history li").first().textContent()).toContain("Issued");
    await page.screenshot({ path: join(SHOTS, "serials.png"), fullPage: true });
  });

  it("opens a claim's printable certificate with its units, project and verification data", async () => {
    await page.goto(`${server.url}/claims/${claimId}`);
    expect(await page.locator("h1").textContent()).toBe("Claim certificate");
    const facts = await page.locator("article.certificate").textContent();
    expect(facts).toContain("Kanto Rail Co. (fictional demo company)");
    expect(facts).toContain("Compensation (offset) claim");
    expect(facts).toContain("Introduction of 15MW Solar Power System near New Airport");
    expect(facts).toMatch(/Merkle root[0-9a-f]{64}/);
    await page.screenshot({ path: join(SHOTS, "claim.png"), fullPage: true });
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("header").isVisible()).toBe(false);
    await page.emulateMedia({ media: "screen" });
  });

  it("shows a Party's Article 6.2 report with its five tables and totals, in Japanese and English, printable", async () => {
    const year = new Date().getUTCFullYear();
    await page.goto(`${server.url}/article6/MN/${year}`);
    expect(await page.locator("h1").textContent()).toContain("パリ協定第6条2項");
    const headings = await page.locator("article.certificate h2").allTextContents();
    expect(headings).toEqual([
      "合計 / Totals",
      "表2 承認 / Table 2: Authorizations",
      "表3 行為 / Table 3: Actions",
      "表4 保有（12月31日時点） / Table 4: Holdings at 31 December",
      "表5 承認された事業者 / Table 5: Authorized entities",
    ]);
    const actions = page.locator("table").nth(2);
    expect(await actions.locator("thead th").first().textContent()).toBe("Action date");
    const json = (await (await fetch(`${server.url}/v1/article6/aef?party=MN&year=${year}`)).json()) as {
      actions: unknown[];
    };
    expect(await actions.locator("tbody tr").count()).toBe(json.actions.length);
    const totals = await page.locator("table").first().textContent();
    expect(totals).toContain("初回移転 / First transfer");
    expect(totals).toContain("取消 / Cancellation");
    await page.screenshot({ path: join(SHOTS, "article6.png"), fullPage: true });
    const download = await fetch(`${server.url}${await page.getByRole("link", { name: "XLSX" }).getAttribute("href")}`);
    expect(download.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("header").isVisible()).toBe(false);
    expect(await page.getByRole("link", { name: "XLSX" }).isVisible()).toBe(false);
    await page.emulateMedia({ media: "screen" });
    await page.goto(`${server.url}/article6/mn/${year}`);
    expect(await page.locator("h1").textContent()).toBe("Cannot show this");
  });

  it("shows a project with a bar of how its units are used", async () => {
    await page.goto(`${server.url}/projects/MN006`);
    expect(await page.locator("h1").textContent()).toContain("MN006");
    const bar = page.locator(".bar").first();
    expect(await bar.getAttribute("aria-label")).toMatch(
      /In registry [0-9,]+, Held in the bridge [0-9,]+, Claimed 500/,
    );
    await page.screenshot({ path: join(SHOTS, "project.png"), fullPage: true });
  });

  it("shows a 404 page, not JSON, for an unknown claim, and says why for a bad search", async () => {
    const response = await page.goto(`${server.url}/claims/clm_doesnotexist`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()["content-type"]).toContain("text/html");
    expect(await page.locator("h1").textContent()).toBe("No such claim");
    await page.screenshot({ path: join(SHOTS, "not-found.png"), fullPage: true });
    const bad = await page.goto(`${server.url}/serials/JCM-JP-MN006-2020-01`);
    expect(bad?.status()).toBe(400);
    expect(await page.locator("[role=alert]").textContent()).toContain("leading zeros");
  });

  it("lists claims in the register, filters them, keeps the filters in the CSV link, and leads to a beneficiary", async () => {
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`${server.url}/claims`);
    expect(await page.locator("h1").textContent()).toBe("Claim register");
    expect(await page.locator("tbody tr").count()).toBeGreaterThanOrEqual(2);
    await page.getByLabel("Framework").selectOption("vcmi");
    await page.getByLabel("Beneficiary (part of the name)").fill("KANTO rail");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/framework=vcmi/);
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("Kanto Rail Co. (fictional demo company)");
    await page.screenshot({ path: join(SHOTS, "claims.png"), fullPage: true });
    const csvHref = (await page.getByRole("link", { name: "Download these claims as CSV" }).getAttribute("href")) ?? "";
    expect(csvHref).toContain("framework=vcmi");
    const csv = await (await fetch(`${server.url}${csvHref}`)).text();
    expect(csv.split("\r\n").filter((l) => l.includes("Kanto Rail")).length).toBeGreaterThan(0);
    expect(csv).not.toContain("Aozora");
    await rows.first().getByRole("link", { name: "Kanto Rail Co. (fictional demo company)" }).click();
    await page.waitForURL(/\/beneficiaries\//);
    expect(await page.locator("h1").textContent()).toBe("Claims for Kanto Rail Co. (fictional demo company)");
    expect(await page.locator("table").first().textContent()).toContain("500 tCO2e");
    await page.screenshot({ path: join(SHOTS, "beneficiary.png"), fullPage: true });
  });

  it("switches every page to Japanese and back, at phone width, without overflowing the screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const year = new Date().getUTCFullYear();
    const paths = [
      "/",
      "/claims",
      `/claims/${claimId}`,
      "/projects/MN006",
      "/serials/JCM-JP-MN006-2020-1-100",
      "/beneficiaries/kanto%20rail%20co.%20(fictional%20demo%20company)",
      `/article6/MN/${year}`,
      "/docs",
      "/claims/clm_doesnotexist",
    ];
    for (const path of paths) {
      await page.goto(`${server.url}${path}`);
      expect(await page.locator("html").getAttribute("lang"), path).toBe("en");
      await page.getByRole("navigation", { name: "Language" }).getByRole("link", { name: "日本語" }).click();
      await page.waitForURL(/lang=ja/);
      expect(await page.locator("html").getAttribute("lang"), path).toBe("ja");
      expect(await page.locator("header nav").first().textContent(), path).toContain("クレーム登録簿");
      expect(await page.locator("main").textContent(), path).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(1);
      const name = path === "/" ? "home" : path.split("/")[1];
      await page.screenshot({ path: join(SHOTS, `ja-${name}.png`), fullPage: true });
      await page.getByRole("navigation", { name: "表示言語" }).getByRole("link", { name: "English" }).click();
      await page.waitForURL(/lang=en/);
      expect(await page.locator("html").getAttribute("lang"), path).toBe("en");
    }
  });

  it.runIf(POPPLER || process.env.CI)("serves the certificate as an A4 PDF that reads back and renders", async () => {
    const claim = (await (await fetch(`${server.url}/v1/claims/${claimId}`)).json()) as {
      serials: string[];
      certificate: { root: string };
    };
    expect(claim.certificate.root).toMatch(/^[0-9a-f]{64}$/);
    for (const lang of ["ja", "en"] as const) {
      const res = await fetch(`${server.url}/v1/claims/${claimId}/certificate.pdf?lang=${lang}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/pdf");
      const file = join(dir, `certificate-${lang}.pdf`);
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
      expect(text).toContain(claimId);
      expect(text).toContain("Kanto Rail Co. (fictional demo company)");
      for (const serials of claim.serials) expect(text.replace(/\s+/g, "")).toContain(serials);
      expect(text.replace(/\s+/g, "")).toContain(claim.certificate.root);
      expect(text).toContain(lang === "ja" ? "クレーム証明書" : "Claim certificate");
      const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
      expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
      expect(info).toMatch(/Noto|Pages:/);
      const fonts = execFileSync("pdffonts", [file], { encoding: "utf8" });
      expect(fonts).toContain("NotoSansJP");
      execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "1", file, join(SHOTS, `certificate-${lang}`)]);
      const png = join(SHOTS, `certificate-${lang}-1.png`);
      expect(statSync(png).size).toBeGreaterThan(10_000);
      expect(readFileSync(png).subarray(1, 4).toString()).toBe("PNG");
    }
  });

  it("can be used with the keyboard alone: skip link, labelled search, focusable results", async () => {
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(server.url);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip");
    await page.locator("#q").focus();
    await page.keyboard.type(claimId);
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/claims/${claimId}$`));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, "claim-phone.png"), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
  });
});
