import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../api/client/index.js";
import { clientSchemaSource } from "../../scripts/client-schema.js";
import { ROOT, type Running, startServer } from "../../scripts/processes.js";
import { dbKind } from "../helpers/db.js";

/**
 * The typed client: generated from the server's own OpenAPI document (and checked to be up to
 * date), exported by the package as `jcm-bridge/client`, and driving a real server from a first
 * key to a certified claim.
 */
describe.runIf(dbKind === "pglite")("the typed client", () => {
  const dir = mkdtempSync(join(tmpdir(), "jcm-client-"));
  const adminKey = `jcmk_${"c".repeat(40)}`;
  let server: Running;
  beforeAll(async () => {
    server = await startServer({ DATA_DIR: dir, ADMIN_API_KEY: adminKey });
  }, 120_000);
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it("is generated from the OpenAPI document as it is now: regenerating changes nothing", async () => {
    const committed = readFileSync(join(ROOT, "api", "client", "schema.ts"), "utf8");
    expect(await clientSchemaSource(), "run `npm run client:generate` and commit api/client/schema.ts").toBe(committed);
  });

  it("drives a real server: organizations, a project, an issuance, a deposit, a claim and its certificate", async () => {
    const admin = createClient({ baseUrl: server.url, apiKey: adminKey });
    const org = async (name: string, role: "registry" | "company", country: string) => {
      const made = await admin.POST("/v1/organizations", { body: { name, role, country } });
      expect(made.response.status).toBe(201);
      const id = made.data?.id as string;
      const key = await admin.POST("/v1/organizations/{id}/keys", { params: { path: { id } }, body: {} });
      return { id, key: key.data?.key as string };
    };
    const registry = await org("Client registry", "registry", "JP");
    const company = await org("Client company", "company", "JP");
    const asRegistry = createClient({ baseUrl: server.url, apiKey: registry.key });
    const asCompany = createClient({ baseUrl: server.url, apiKey: company.key });

    const project = await asRegistry.POST("/v1/projects", {
      body: { ref: "MN006", title: "Solar near the new airport", hostCountry: "MN", methodology: "MN_AM003" },
    });
    expect(project.response.status).toBe(201);
    const issuance = await asRegistry.POST("/v1/issuances", {
      body: {
        projectRef: "MN006",
        registry: "JP",
        vintage: 2020,
        monitoringPeriod: { start: "2019-07-06", end: "2020-12-31" },
        serialStart: 1,
        serialEnd: 1000,
      },
    });
    expect(issuance.data?.id).toMatch(/^iss_/);
    const deposit = await asRegistry.POST("/v1/deposits", {
      body: { serials: ["JCM-JP-MN006-2020-1-100"], organizationId: company.id, registryReference: "client" },
    });
    expect(deposit.response.status).toBe(201);

    const claim = await asCompany.POST("/v1/claims", {
      body: {
        serials: ["JCM-JP-MN006-2020-1-10"],
        beneficiary: { name: "Client beneficiary", country: "JP" },
        claimType: "contribution",
        purpose: "Through the typed client",
        period: { start: "2025-01-01", end: "2025-12-31" },
        reason: "environmental_benefit",
      },
    });
    expect(claim.data?.quantity).toBe(10);
    const id = claim.data?.id as string;
    const got = await createClient({ baseUrl: server.url }).GET("/v1/claims/{id}", { params: { path: { id } } });
    expect(got.data?.certificate.entry.kind).toBe("claim");
    expect(got.data?.reason).toBe("environmental_benefit");

    // A refusal comes back as the problem document, typed, not thrown.
    const again = await asCompany.POST("/v1/claims", {
      body: {
        serials: ["JCM-JP-MN006-2020-5-15"],
        beneficiary: { name: "X", country: "JP" },
        claimType: "contribution",
        purpose: "Twice",
        period: { start: "2025-01-01", end: "2025-12-31" },
      },
    });
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ code: "serials_already_claimed" });
  });

  it("is what the package exports as jcm-bridge/client, built with its types", () => {
    // Built into a copy of the package, so that no other test's dist/ is touched meanwhile.
    const copy = mkdtempSync(join(tmpdir(), "jcm-package-"));
    try {
      const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
      const config = join(ROOT, "scripts", "tsconfig.client.json");
      const build = spawnSync(
        process.execPath,
        [tsc, "-p", config, "--emitDeclarationOnly", "false", "--outDir", join(copy, "dist")],
        { cwd: ROOT, encoding: "utf8" },
      );
      expect(build.status, build.stdout + build.stderr).toBe(0);
      writeFileSync(join(copy, "package.json"), readFileSync(join(ROOT, "package.json")));
      symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
      const probe = spawnSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          'const m = await import("jcm-bridge/client"); console.log(typeof m.createClient, typeof m.createClient({ baseUrl: "http://x" }).GET);',
        ],
        { cwd: copy, encoding: "utf8" },
      );
      expect(probe.stdout.trim(), probe.stderr).toBe("function function");
      expect(readFileSync(join(copy, "dist", "api", "client", "index.d.ts"), "utf8")).toContain("createClient");
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
