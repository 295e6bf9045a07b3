import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { authenticate, createKey, createOrganization } from "../../api/accounts/organizations.js";
import { databaseOptions, loadConfig } from "../../api/config.js";
import { auditLedger } from "../../api/ledger/journal/audit.js";
import { createClaim } from "../../api/ledger/ops/claims.js";
import { createIssuance } from "../../api/ledger/ops/issuances.js";
import { deposit } from "../../api/ledger/ops/movements.js";
import { createProject } from "../../api/ledger/ops/projects.js";
import { statusOf } from "../../api/ledger/read/status.js";
import { openDatabase } from "../../db/client.js";
import { memoryLogger } from "../helpers/app.js";
import { dbKind } from "../helpers/db.js";

describe.runIf(dbKind === "pglite")("the embedded database keeps its data across restarts", () => {
  const dir = mkdtempSync(join(tmpdir(), "jcm-restart-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds issuances, holdings, claims and the journal after close and reopen", async () => {
    const log = memoryLogger();
    const first = await openDatabase({ kind: "pglite", dataDir: dir });
    const deps = {
      db: first.db,
      clock: () => new Date(),
      random: (n: number) => randomBytes(n),
      log,
    };
    const registry = await createOrganization(deps, null, { name: "Registry", role: "registry", country: "JP" });
    const company = await createOrganization(deps, null, { name: "Company", role: "company", country: "JP" });
    const key = await createKey(deps, null, company.id, null);
    await createProject(deps, registry, {
      ref: "MN006",
      title: "Solar",
      hostCountry: "MN",
      methodology: "MN_AM003",
    });
    await createIssuance(deps, registry, {
      projectRef: "MN006",
      registry: "JP",
      vintage: 2020,
      monitoringPeriod: { start: "2019-07-06", end: "2020-12-31" },
      serialStart: 1n,
      serialEnd: 24249n,
    });
    await deposit(deps, registry, {
      serials: ["JCM-JP-MN006-2020-1-100"],
      organizationId: company.id,
      registryReference: "r",
    });
    const claim = await createClaim(deps, company, {
      serials: ["JCM-JP-MN006-2020-1-10"],
      beneficiary: { name: "B", country: "JP" },
      claimType: "contribution",
      purpose: "p",
      period: { start: "2025-01-01", end: "2025-12-31" },
    });
    await first.close();

    const second = await openDatabase({ kind: "pglite", dataDir: dir });
    try {
      const status = await statusOf(second.db, log, { serials: "JCM-JP-MN006-2020-1-200", limit: 100 });
      expect(status.parts.map((p) => [p.serials, p.state, p.claimId ?? p.holder ?? null])).toEqual([
        ["JCM-JP-MN006-2020-1-10", "claimed", claim.id],
        ["JCM-JP-MN006-2020-11-100", "held", company.id],
        ["JCM-JP-MN006-2020-101-200", "in_registry", null],
      ]);
      expect((await authenticate(second.db, key.key)).organization.id).toBe(company.id);
      expect(await auditLedger(second.db)).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it("creates a new database in a child process, whose failure is the open's", async () => {
    const created = join(dir, "created");
    const database = await openDatabase({ kind: "pglite", dataDir: created });
    await database.close();
    expect(existsSync(join(created, "PG_VERSION"))).toBe(true);
    // A file where initdb makes a directory: the child cannot create the database, and says so.
    const blocked = join(dir, "blocked");
    mkdirSync(blocked);
    writeFileSync(join(blocked, "base"), "not a directory");
    await expect(openDatabase({ kind: "pglite", dataDir: blocked })).rejects.toThrow(
      `creating the embedded database in ${blocked} failed (exit 1)`,
    );
  });

  it("opens with the buffer pool PGLITE_SHARED_BUFFERS_MB asks for (64 MB when unset)", async () => {
    for (const [env, expected] of [
      [{}, "64MB"],
      [{ PGLITE_SHARED_BUFFERS_MB: "16" }, "16MB"],
    ] as const) {
      const database = await openDatabase(databaseOptions(loadConfig({ DATA_DIR: join(dir, "buffers"), ...env })));
      try {
        const shown = (await database.db.execute(sql`SHOW shared_buffers`)) as { rows: { shared_buffers: string }[] };
        expect(shown.rows[0]?.shared_buffers).toBe(expected);
      } finally {
        await database.close();
      }
    }
  });
});
