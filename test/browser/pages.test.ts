import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
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

  it("can be used with the keyboard alone: skip link, labelled search, focusable results", async () => {
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
