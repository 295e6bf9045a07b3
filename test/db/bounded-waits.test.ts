import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toProblem } from "../../api/http/problem.js";
import { parseIssuanceId } from "../../api/ledger/core/ids.js";
import { lockIssuances } from "../../api/ledger/store/segments.js";
import { openDatabase } from "../../db/client.js";
import { rows } from "../../db/values.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable, dbKind } from "../helpers/db.js";

/** On a PostgreSQL server shared by several processes, no wait of one process on another is unbounded. */
describe.runIf(databaseAvailable() && dbKind === "postgres")("every database wait is bounded", () => {
  const timeouts = { lockMs: 300, statementMs: 1_000, idleInTransactionMs: 1_500 };
  let t: TestContext;
  let iss: Issued;
  let company: Org;
  const journal = async () => Number((await rows(t.database.db, sql`SELECT count(*)::int AS n FROM journal`))[0]?.n);
  const claim = (unit: number) =>
    t.call("POST", "/v1/claims", {
      key: company.key,
      body: {
        serials: [iss.serials(unit)],
        claimType: "contribution",
        beneficiary: { name: "Waiting Co.", country: "JP" },
        purpose: "bounded waits",
        period: { start: "2025-01-01", end: "2025-12-31" },
      },
    });

  beforeAll(async () => {
    t = await testContext({ timeouts });
    iss = await t.issue({ start: 1, end: 100 });
    company = await t.org("company", "JP");
    await t.call("POST", "/v1/deposits", {
      key: iss.registry.key,
      body: { serials: [iss.serials(1, 100)], organizationId: company.id, registryReference: "r" },
    });
  });
  afterAll(async () => {
    await t.audit();
    await t.close();
  });

  it("answers 503 with Retry-After while a frozen process holds an issuance, writes nothing, and goes on once its session is ended", async () => {
    // Another process of the service, frozen inside a transaction that holds the issuance's lock.
    const other = await openDatabase({ kind: "postgres", url: t.database.url as string, poolSize: 1, timeouts });
    let thaw: () => void = () => {};
    const frozen = new Promise<void>((resolve) => {
      thaw = resolve;
    });
    let locked: () => void = () => {};
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = other.db
      .transaction(async (tx) => {
        await lockIssuances(tx, [parseIssuanceId(iss.issuanceId) as bigint]);
        locked();
        await frozen;
        await tx.execute(sql`SELECT 1`);
      })
      .then(
        () => "committed",
        () => "ended by the server",
      );
    await holding;
    const before = await journal();
    const waiting = await claim(1);
    expect(waiting.status).toBe(503);
    expect(waiting.body.code).toBe("service_unavailable");
    expect(Number(waiting.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await journal()).toBe(before);
    // Each attempt waits at most the lock timeout; the server ends the idle session after its own bound.
    let after = waiting;
    for (let attempt = 0; attempt < 40 && after.status === 503; attempt++) after = await claim(1);
    expect(after.status).toBe(201);
    thaw();
    expect(await holder).toBe("ended by the server");
    await other.close();
  });

  it("ends a statement that runs past its bound, which answers 503", async () => {
    const error = await t.database.db.execute(sql`SELECT pg_sleep(10)`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toProblem(error)).toMatchObject({ status: 503, code: "service_unavailable" });
  });
});
