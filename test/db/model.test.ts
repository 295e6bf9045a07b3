import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLedger } from "../../api/ledger/audit.js";
import { type Answer, type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

/**
 * Model-based test: random sequences of deposits, transfers, claims, withdrawals, government
 * reports and idempotent replays against the real API and a per-unit model. After every step the
 * state of every unit must match the model; after every run the audit must find nothing.
 */
const UNITS = 24;

interface Unit {
  state: "in_registry" | "held" | "claimed" | "government_used";
  holder: string | null;
  use: string | null;
  authorized: boolean;
  ca: boolean;
}

interface Real {
  t: TestContext;
  iss: Issued;
  companies: Org[];
  mongolia: Org;
  japan: Org;
  last: { path: string; key: string; body: unknown; idem: string; answer: Answer } | undefined;
}

interface Model {
  units: Unit[];
  /** The party of each NDC use report. */
  reporters: Map<string, "MN" | "JP">;
}

let idem = 0;
async function post(r: Real, path: string, key: string, body: unknown): Promise<Answer> {
  const key2 = `model-${process.pid}-${++idem}`;
  const answer = await r.t.call("POST", path, { key, body, headers: { "idempotency-key": key2 } });
  expect(answer.status, `${path} ${JSON.stringify(answer.body)}`).toBeLessThan(500);
  r.last = { path, key, body, idem: key2, answer };
  return answer;
}

const span = (from: number, len: number) => {
  const start = Math.min(from, UNITS);
  return { start, end: Math.min(UNITS, start + len - 1) };
};
const slice = (m: Model, s: { start: number; end: number }) => m.units.slice(s.start - 1, s.end);
const apply = (m: Model, s: { start: number; end: number }, f: (u: Unit) => Unit) => {
  for (let i = s.start - 1; i < s.end; i++) m.units[i] = f(m.units[i] as Unit);
};

/** Each step acts, then the whole range must look exactly as the model says. */
abstract class Step implements fc.AsyncCommand<Model, Real, false> {
  abstract act(m: Model, real: Real): Promise<void>;
  abstract toString(): string;
  check(_m: Readonly<Model>): boolean {
    return true;
  }
  async run(m: Model, real: Real): Promise<void> {
    await this.act(m, real);
    await agree(m, real);
  }
}
const range = fc.record({ from: fc.integer({ min: 1, max: UNITS }), len: fc.integer({ min: 1, max: 6 }) });
const who = fc.integer({ min: 0, max: 2 });

class Deposit extends Step {
  constructor(
    readonly r: { from: number; len: number },
    readonly to: number,
  ) {
    super();
  }
  async act(m: Model, real: Real) {
    const s = span(this.r.from, this.r.len);
    const org = real.companies[this.to] as Org;
    const ok = slice(m, s).every((u) => u.state === "in_registry");
    const a = await post(real, "/v1/deposits", real.iss.registry.key, {
      serials: [real.iss.serials(s.start, s.end)],
      organizationId: org.id,
      registryReference: "model",
    });
    expect(a.status).toBe(ok ? 201 : 409);
    if (ok) apply(m, s, (u) => ({ ...u, state: "held", holder: org.id }));
  }
  toString(): string {
    return `deposit(${this.r.from}+${this.r.len} → ${this.to})`;
  }
}

class Transfer extends Step {
  constructor(
    readonly r: { from: number; len: number },
    readonly by: number,
    readonly to: number,
  ) {
    super();
  }
  override check(): boolean {
    return this.by !== this.to;
  }
  async act(m: Model, real: Real) {
    const s = span(this.r.from, this.r.len);
    const by = real.companies[this.by] as Org;
    const to = real.companies[this.to] as Org;
    const ok = slice(m, s).every((u) => u.state === "held" && u.holder === by.id);
    const a = await post(real, "/v1/transfers", by.key, {
      serials: [real.iss.serials(s.start, s.end)],
      toOrganizationId: to.id,
    });
    expect(a.status).toBe(ok ? 201 : 409);
    if (ok) apply(m, s, (u) => ({ ...u, holder: to.id }));
  }
  toString(): string {
    return `transfer(${this.r.from}+${this.r.len} ${this.by} → ${this.to})`;
  }
}

class Claim extends Step {
  constructor(
    readonly r: { from: number; len: number },
    readonly by: number,
    readonly compensation: boolean,
  ) {
    super();
  }
  async act(m: Model, real: Real) {
    const s = span(this.r.from, this.r.len);
    const by = real.companies[this.by] as Org;
    const units = slice(m, s);
    const held = units.every((u) => u.state === "held" && u.holder === by.id);
    const ok = held && (!this.compensation || units.every((u) => u.authorized && u.ca));
    const a = await post(real, "/v1/claims", by.key, {
      serials: [real.iss.serials(s.start, s.end)],
      beneficiary: { name: "Model", country: "JP" },
      claimType: this.compensation ? "compensation" : "contribution",
      purpose: "model",
      period: { start: "2025-01-01", end: "2025-12-31" },
    });
    expect(a.status).toBe(ok ? 201 : 409);
    if (!ok && held) expect(a.body.code).toBe("compensation_requires_corresponding_adjustment");
    if (ok) apply(m, s, (u) => ({ ...u, state: "claimed", use: a.body.id }));
  }
  toString(): string {
    return `claim(${this.r.from}+${this.r.len} by ${this.by}${this.compensation ? ", compensation" : ""})`;
  }
}

class Withdraw extends Step {
  constructor(
    readonly r: { from: number; len: number },
    readonly by: number | "registry",
  ) {
    super();
  }
  async act(m: Model, real: Real) {
    const s = span(this.r.from, this.r.len);
    const org = this.by === "registry" ? real.iss.registry : (real.companies[this.by] as Org);
    const ok = slice(m, s).every((u) => u.state === "held" && (this.by === "registry" || u.holder === org.id));
    const a = await post(real, "/v1/withdrawals", org.key, {
      serials: [real.iss.serials(s.start, s.end)],
      registryReference: "w",
    });
    expect(a.status).toBe(ok ? 201 : 409);
    if (ok) apply(m, s, (u) => ({ ...u, state: "in_registry", holder: null }));
  }
  toString(): string {
    return `withdraw(${this.r.from}+${this.r.len} by ${this.by})`;
  }
}

class Report extends Step {
  constructor(
    readonly r: { from: number; len: number },
    readonly kind: "ndc_use" | "authorization" | "corresponding_adjustment",
    readonly party: "MN" | "JP",
  ) {
    super();
  }
  async act(m: Model, real: Real) {
    const s = span(this.r.from, this.r.len);
    const org = this.party === "MN" ? real.mongolia : real.japan;
    const a = await post(real, "/v1/government-reports", org.key, {
      kind: this.kind,
      year: 2025,
      serials: [real.iss.serials(s.start, s.end)],
      reference: "model",
    });
    if (this.kind === "corresponding_adjustment" && this.party !== "MN") {
      expect(a.status).toBe(403);
      return;
    }
    // The host never both counts units toward its own NDC and transfers them abroad, in either order.
    const ok =
      this.kind === "ndc_use"
        ? slice(m, s).every((u) => u.state === "in_registry" && !(this.party === "MN" && u.ca))
        : this.kind !== "corresponding_adjustment" ||
          slice(m, s).every((u) => u.use === null || m.reporters.get(u.use) !== "MN");
    expect(a.status).toBe(ok ? 201 : 409);
    if (!ok) return;
    if (this.kind === "ndc_use") {
      apply(m, s, (u) => ({ ...u, state: "government_used", use: a.body.id }));
      m.reporters.set(a.body.id, this.party);
    }
    if (this.kind === "authorization") apply(m, s, (u) => ({ ...u, authorized: true }));
    if (this.kind === "corresponding_adjustment") apply(m, s, (u) => ({ ...u, ca: true }));
  }
  toString(): string {
    return `report(${this.kind} ${this.party} ${this.r.from}+${this.r.len})`;
  }
}

class Replay extends Step {
  async act(_m: Model, real: Real) {
    const last = real.last;
    if (!last) return;
    const again = await real.t.call("POST", last.path, {
      key: last.key,
      body: last.body,
      headers: { "idempotency-key": last.idem },
    });
    expect(again.status).toBe(last.answer.status);
    expect(again.body).toEqual(last.answer.body);
  }
  toString(): string {
    return "replay(last request)";
  }
}

const commands = [
  fc.tuple(range, who).map(([r, to]) => new Deposit(r, to)),
  fc.tuple(range, who).map(([r, to]) => new Deposit(r, to)),
  fc.tuple(range, who, who).map(([r, by, to]) => new Transfer(r, by, to)),
  fc.tuple(range, who, fc.boolean()).map(([r, by, c]) => new Claim(r, by, c)),
  fc.tuple(range, fc.constantFrom<0 | 1 | 2 | "registry">(0, 1, 2, "registry")).map(([r, by]) => new Withdraw(r, by)),
  fc
    .tuple(
      range,
      fc.constantFrom("ndc_use", "authorization", "corresponding_adjustment") as fc.Arbitrary<Report["kind"]>,
      fc.constantFrom<"MN" | "JP">("MN", "JP"),
    )
    .map(([r, k, p]) => new Report(r, k, p)),
  fc.constant(new Replay()),
];

async function agree(m: Model, real: Real): Promise<void> {
  const status = await real.t.call("GET", `/v1/status/${real.iss.serials(1, UNITS)}`);
  expect(status.body.doubleCounted).toBe(false);
  const seen: Unit[] = [];
  for (const p of status.body.parts as {
    quantity: number;
    state: Unit["state"];
    holder?: string;
    claimId?: string;
    reportId?: string;
    authorized: boolean;
    correspondingAdjustment: boolean;
  }[]) {
    for (let i = 0; i < p.quantity; i++) {
      seen.push({
        state: p.state,
        holder: p.state === "claimed" || p.state === "government_used" ? null : (p.holder ?? null),
        use: p.claimId ?? p.reportId ?? null,
        authorized: p.authorized,
        ca: p.correspondingAdjustment,
      });
    }
  }
  const expected = m.units.map((u) => ({
    ...u,
    holder: u.state === "claimed" || u.state === "government_used" ? null : u.holder,
  }));
  expect(seen).toEqual(expected);
}

describe.runIf(databaseAvailable())("the ledger against a model, at random", () => {
  let t: TestContext;
  let companies: Org[];
  let mongolia: Org;
  let japan: Org;
  let run = 0;
  beforeAll(async () => {
    t = await testContext();
    companies = [
      await t.org("company", "JP", "A"),
      await t.org("company", "JP", "B"),
      await t.org("company", "MN", "C"),
    ];
    mongolia = await t.org("government", "MN");
    japan = await t.org("government", "JP");
  });
  afterAll(() => t.close());

  it("keeps every unit where the model says, never counts one twice, and its journal verifies", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: "max" }), async (cmds) => {
        run += 1;
        const iss = await t.issue({ project: "MN006", start: run * 1000, end: run * 1000 + UNITS - 1 });
        const shifted: Issued = {
          ...iss,
          serials: (from, to) => iss.serials(run * 1000 + from - 1, to === undefined ? undefined : run * 1000 + to - 1),
        };
        const model: Model = {
          units: Array.from({ length: UNITS }, () => ({
            state: "in_registry",
            holder: null,
            use: null,
            authorized: false,
            ca: false,
          })),
          reporters: new Map(),
        };
        const real: Real = { t, iss: shifted, companies, mongolia, japan, last: undefined };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 20), verbose: 1 },
    );
    expect(await auditLedger(t.database.db)).toEqual([]);
  });
});
