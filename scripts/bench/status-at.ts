import { randomBytes } from "node:crypto";
import { createOrganization, type Organization } from "../../api/accounts/organizations.js";
import type { Actor, Deps } from "../../api/ledger/ops/deps.js";
import { createIssuance } from "../../api/ledger/ops/issuances.js";
import { deposit, transfer } from "../../api/ledger/ops/movements.js";
import { createProject } from "../../api/ledger/ops/projects.js";
import { statusAt } from "../../api/ledger/read/status-at.js";
import type { Db } from "../../db/client.js";
import { percentile, round } from "./load.js";

/**
 * `status_at`: the cost of `GET /v1/status/{serials}?at=` as the range's history grows. One range
 * of 100 units goes back and forth between two companies, so every transfer is one more journal
 * entry its replay must read; at each history length the lookup is timed at the present moment
 * (the whole history replayed) in-process, without HTTP.
 */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const actorOf = (o: Organization): Actor => ({ id: o.id, role: o.role, country: o.country, registries: o.registries });

export interface StatusAtFigure {
  entries: number;
  p50_ms: number;
  p99_ms: number;
}

export async function measureStatusAt(db: Db, histories: readonly number[], lookups = 30): Promise<StatusAtFigure[]> {
  const deps: Deps = { db, clock: () => new Date(), random: (n) => randomBytes(n), log: quiet };
  const registry = await createOrganization(deps, null, {
    name: "Bench registry",
    role: "registry",
    country: "JP",
    registries: ["JP"],
  });
  const a = await createOrganization(deps, null, { name: "Bench A", role: "company", country: "JP" });
  const b = await createOrganization(deps, null, { name: "Bench B", role: "company", country: "JP" });
  await createProject(deps, actorOf(registry), {
    ref: "MN901",
    title: "Bench history",
    hostCountry: "MN",
    methodology: "MN_AM003",
  });
  await createIssuance(deps, actorOf(registry), {
    projectRef: "MN901",
    registry: "JP",
    vintage: 2024,
    monitoringPeriod: { start: "2023-01-01", end: "2024-12-31" },
    serialStart: 9_000_000_001n,
    serialEnd: 9_000_001_000n,
  });
  const serials = "JCM-JP-MN901-2024-9000000001-9000000100";
  await deposit(deps, actorOf(registry), { serials: [serials], organizationId: a.id, registryReference: "bench" });
  const figures: StatusAtFigure[] = [];
  let entries = 3;
  let holder = a;
  for (const target of histories) {
    while (entries < target) {
      const to = holder === a ? b : a;
      await transfer(deps, actorOf(holder), { serials: [serials], toOrganizationId: to.id });
      holder = to;
      entries += 1;
    }
    const times: number[] = [];
    for (let i = 0; i < lookups; i++) {
      const t0 = performance.now();
      await statusAt(db, { serials, limit: 1000, at: new Date() });
      times.push(performance.now() - t0);
    }
    figures.push({ entries, p50_ms: round(percentile(times, 50)), p99_ms: round(percentile(times, 99)) });
  }
  return figures;
}
