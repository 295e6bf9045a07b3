import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { createKey, createOrganization, type Organization } from "../api/accounts/organizations.js";
import { parseCsv } from "../api/import/csv.js";
import { createAuthorization } from "../api/ledger/ops/authorizations.js";
import { createClaim } from "../api/ledger/ops/claims.js";
import { setCooperativeApproach } from "../api/ledger/ops/cooperative-approaches.js";
import type { Actor, Deps } from "../api/ledger/ops/deps.js";
import { createIssuance } from "../api/ledger/ops/issuances.js";
import { deposit, transfer } from "../api/ledger/ops/movements.js";
import { createProject } from "../api/ledger/ops/projects.js";
import { createGovernmentReport } from "../api/ledger/ops/reports.js";
import type { IssuanceView } from "../api/ledger/read/issuances.js";
import { rows, str } from "../db/values.js";

/**
 * A living demo built from real JCM data (scripts/seed-data, copied from the public sources its
 * README names): every registered project with its real title, host country and methodology, and
 * every issuance decision with issued amounts, into Japan's and the partner's registries. The
 * companies are fictional and say so; their holdings, claims, the government reports and the
 * Article 6.2 authorizations are illustrations of the workflow on those real issuances.
 */
const dataDir = new URL("./seed-data/", import.meta.url);

function readCsv(name: string): Record<string, string>[] {
  const records = parseCsv(readFileSync(new URL(name, dataDir), "utf8"));
  if (!Array.isArray(records)) throw new Error(`${name}: line ${records.line}: ${records.error}`);
  const [header, ...data] = records;
  return data.map((r) => Object.fromEntries((header?.fields ?? []).map((h, i) => [h, r.fields[i] ?? ""])));
}

const actorOf = (o: Organization): Actor => ({ id: o.id, role: o.role, country: o.country, registries: o.registries });

export interface SeedResult {
  alreadySeeded: boolean;
  keys: { organization: string; role: string; key: string }[];
  projects: number;
  issuances: number;
  claims: string[];
}

export async function seed(deps: Deps): Promise<SeedResult> {
  const [done] = await rows(deps.db, sql`SELECT 1 FROM organizations WHERE name = 'JCM Registry of Japan'`);
  if (done) return { alreadySeeded: true, keys: [], projects: 0, issuances: 0, claims: [] };
  const keys: SeedResult["keys"] = [];
  const org = async (name: string, role: Actor["role"], country?: string) => {
    const o = await createOrganization(deps, null, { name, role, country });
    keys.push({ organization: name, role, key: (await createKey(deps, null, o.id, "demo seed")).key });
    return o;
  };
  const registryJP = await org("JCM Registry of Japan", "registry", "JP");
  const registryMN = await org("JCM Registry of Mongolia", "registry", "MN");
  const japan = await org("Government of Japan", "government", "JP");
  const mongolia = await org("Government of Mongolia", "government", "MN");
  await org("Government of Indonesia", "government", "ID");
  await org("Government of Costa Rica", "government", "CR");
  const aozora = await org("Aozora Trading K.K. (fictional demo company)", "company", "JP");
  const kanto = await org("Kanto Rail Co. (fictional demo company)", "company", "JP");
  const steppe = await org("Steppe Energy LLC (fictional demo company)", "company", "MN");

  const projects = readCsv("jcm-projects.csv");
  for (const p of projects) {
    await createProject(deps, actorOf(registryJP), {
      ref: p.ref ?? "",
      title: p.title ?? "",
      hostCountry: p.host_country ?? "",
      methodology: p.methodology ?? "",
      sector: p.sector || null,
      registeredOn: p.registered_on || null,
    });
  }

  // Serial numbers are this project's canonical numbering: consecutive blocks per registry, in
  // the order of the Joint Committee decisions. Rows without an issued amount are skipped.
  const next: Record<string, bigint> = {};
  const issued = new Map<string, IssuanceView>();
  const decisions = readCsv("jcm-issuances.csv").sort((a, b) => (a.decided_on ?? "").localeCompare(b.decided_on ?? ""));
  for (const d of decisions) {
    for (const [registry, amount, by] of [
      ["JP", d.japan_issued, registryJP],
      ["MN", d.partner_issued, registryMN],
    ] as const) {
      const quantity = BigInt(amount || "0");
      if (quantity <= 0n || (registry === "MN" && !d.ref?.startsWith("MN"))) continue;
      const start = next[registry] ?? 1n;
      next[registry] = start + quantity;
      const view = await createIssuance(deps, actorOf(by), {
        projectRef: d.ref ?? "",
        registry,
        vintage: Number((d.monitoring_period_end ?? "").slice(0, 4)),
        monitoringPeriod: { start: d.monitoring_period_start ?? "", end: d.monitoring_period_end ?? "" },
        serialStart: start,
        serialEnd: start + quantity - 1n,
      });
      issued.set(`${d.ref}:${registry}:${view.vintage}`, view);
    }
  }
  const iss = (key: string) => {
    const v = issued.get(key);
    if (!v) throw new Error(`seed data lacks issuance ${key}`);
    return v;
  };
  const range = (v: IssuanceView, from: number, to: number) =>
    `JCM-${v.registry}-${v.projectRef}-${v.vintage}-${v.serialStart + from}-${v.serialStart + to}`;

  const mn006 = iss("MN006:JP:2020");
  const mn004 = iss("MN004:JP:2020");
  const mn004mn = iss("MN004:MN:2020");
  const mn003 = iss("MN003:JP:2018");
  await deposit(deps, actorOf(registryJP), {
    serials: [range(mn006, 0, 4999)],
    organizationId: aozora.id,
    registryReference: "JP-JCM-TR-2026-0001",
  });
  await deposit(deps, actorOf(registryJP), {
    serials: [range(mn004, 0, 2999)],
    organizationId: aozora.id,
    registryReference: "JP-JCM-TR-2026-0002",
  });
  await deposit(deps, actorOf(registryMN), {
    serials: [range(mn004mn, 0, 999)],
    organizationId: steppe.id,
    registryReference: "MN-JCM-TR-2026-0107",
  });
  // Japan authorized the JCM as an Article 6.2 cooperative approach in March 2025; the UNFCCC
  // identifiers of the approaches and Mongolia's letters of authorization below are illustrative.
  const [operator] = await rows(deps.db, sql`SELECT id FROM organizations WHERE role = 'admin' ORDER BY id LIMIT 1`);
  const admin: Actor = {
    id: operator
      ? str(operator.id)
      : (await createOrganization(deps, null, { name: "Administrators", role: "admin" })).id,
    role: "admin",
    country: null,
    registries: [],
  };
  await setCooperativeApproach(deps, admin, "MN", {
    id: "CA0001",
    name: "JCM Japan–Mongolia (identifier illustrative)",
  });
  await setCooperativeApproach(deps, admin, "ID", {
    id: "CA0002",
    name: "JCM Japan–Indonesia (identifier illustrative)",
  });
  const today = deps.clock().toISOString().slice(0, 10);
  await createAuthorization(deps, actorOf(mongolia), {
    reference: "MN-LoA-2026-01 (illustrative)",
    date: today,
    purposes: ["oimp"],
    oimpPurposes: ["voluntary"],
    firstTransfer: "use_or_cancellation",
    terms: "Use for voluntary compensation claims; first transfer at use or cancellation",
    serials: [range(mn006, 0, 1999)],
  });
  await createAuthorization(deps, actorOf(mongolia), {
    reference: "MN-LoA-2026-02 (illustrative)",
    date: today,
    purposes: ["ndc"],
    authorizedParties: ["JP"],
    terms: "Transfer to Japan for use towards its NDC",
    serials: [range(mn006, 10000, 10999)],
  });
  await createGovernmentReport(deps, actorOf(mongolia), {
    kind: "corresponding_adjustment",
    year: 2026,
    serials: [range(mn006, 0, 1999)],
    reference: "MN-BTR-2026 CA table (illustrative)",
  });
  await createGovernmentReport(deps, actorOf(japan), {
    kind: "ndc_use",
    year: 2024,
    serials: [range(mn003, 0, 999)],
    reference: "JP NDC accounting 2024 (illustrative)",
  });
  await createGovernmentReport(deps, actorOf(mongolia), {
    kind: "first_transfer",
    acquiringParty: "JP",
    year: 2026,
    serials: [range(mn006, 10000, 10499)],
    reference: "MN-JP transfer 2026-01 (illustrative)",
  });
  await createGovernmentReport(deps, actorOf(japan), {
    kind: "ndc_use",
    year: 2026,
    serials: [range(mn006, 10000, 10199)],
    reference: "JP NDC accounting 2026 (illustrative)",
  });
  await createGovernmentReport(deps, actorOf(japan), {
    kind: "cancellation",
    purpose: "voluntary",
    year: 2026,
    serials: [range(mn006, 10450, 10499)],
    reference: "JP voluntary cancellation 2026 (illustrative)",
  });
  await createGovernmentReport(deps, actorOf(mongolia), {
    kind: "cancellation",
    purpose: "omge",
    year: 2026,
    serials: [range(mn006, 10900, 10999)],
    reference: "MN OMGE cancellation 2026 (illustrative)",
  });
  await transfer(deps, actorOf(aozora), {
    allocate: { issuanceId: mn006.id, quantity: 1000 },
    toOrganizationId: kanto.id,
  });
  const claims = [
    await createClaim(deps, actorOf(kanto), {
      allocate: { issuanceId: mn006.id, quantity: 500 },
      beneficiary: { name: "Kanto Rail Co. (fictional demo company)", country: "JP", legalId: "JP-CN:0000000000000" },
      claimType: "compensation",
      purpose: "Offsetting 2025 Scope 1 emissions of the Tokyo depot",
      period: { start: "2025-01-01", end: "2025-12-31" },
      reason: "corporate_inventory",
      framework: { kind: "vcmi", tier: "silver" },
      reportingYear: 2025,
      scopes: [1],
    }),
    await createClaim(deps, actorOf(aozora), {
      serials: [range(mn004, 0, 249)],
      beneficiary: { name: "Aozora Trading K.K. (fictional demo company)", country: "JP" },
      claimType: "contribution",
      purpose: "Contribution to Mongolia's solar build-out, fiscal year 2025",
      period: { start: "2025-04-01", end: "2026-03-31" },
      reason: "environmental_benefit",
      framework: { kind: "sbti_bvcm" },
      reportingYear: 2025,
    }),
  ];
  return {
    alreadySeeded: false,
    keys,
    projects: projects.length,
    issuances: issued.size,
    claims: claims.map((c) => c.id),
  };
}
