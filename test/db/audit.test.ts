import { type SQL, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLedger, type Finding } from "../../api/ledger/journal/audit.js";
import { appendJournal } from "../../api/ledger/journal/journal.js";
import type { Db } from "../../db/client.js";
import { rows } from "../../db/values.js";
import { type Issued, type Org, type TestContext, testContext } from "../helpers/app.js";
import { databaseAvailable } from "../helpers/db.js";

/**
 * The oracles are tested like the rules: a ledger is corrupted behind the service's back (raw SQL,
 * append-only triggers off for that one statement) and the audit must name exactly what broke.
 */
interface Ledger {
  t: TestContext;
  iss: Issued;
  company: Org;
  claimId: string;
}

/** A small ledger: an issuance, units held by a company, a claim of some of them. */
async function ledger(): Promise<Ledger> {
  const t = await testContext();
  const iss = await t.issue({ start: 1, end: 100 });
  const company = await t.org("company", "JP");
  await t.call("POST", "/v1/deposits", {
    key: iss.registry.key,
    body: { serials: [iss.serials(1, 50)], organizationId: company.id, registryReference: "r" },
  });
  const claim = await t.call("POST", "/v1/claims", {
    key: company.key,
    body: {
      serials: [iss.serials(1, 10)],
      claimType: "contribution",
      beneficiary: { name: "Audited Co.", country: "JP" },
      purpose: "audit",
      period: { start: "2025-01-01", end: "2025-12-31" },
    },
  });
  expect(claim.status).toBe(201);
  expect(await auditLedger(t.database.db)).toEqual([]);
  return { t, iss, company, claimId: claim.body.id };
}

/** Runs `statement` with the append-only trigger of `table` off, in one transaction. */
async function behindTheBack(db: Db, table: string, statement: SQL): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql.raw(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`));
    await tx.execute(statement);
    await tx.execute(sql.raw(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`));
  });
}

const rules = (findings: Finding[]) => [...new Set(findings.map((f) => f.rule))].sort();

describe.runIf(databaseAvailable())("the audit finds what is broken", () => {
  it("finds units no segment covers (coverage), and the replay that no longer matches", async () => {
    const { t, iss } = await ledger();
    try {
      await t.database.db.execute(sql`DELETE FROM segments WHERE issuance_id = ${iss.id} AND lower(serials) = 51`);
      const findings = await auditLedger(t.database.db);
      expect(rules(findings)).toEqual(["coverage", "replay"]);
      expect(findings.find((f) => f.rule === "coverage")?.detail).toBe(
        `segments do not cover issuance ${iss.issuanceId} exactly`,
      );
    } finally {
      await t.close();
    }
  });

  it("finds segments that say a unit is claimed by another claim than the terminal-use table (uses)", async () => {
    const { t, claimId } = await ledger();
    try {
      await t.database.db.execute(sql`UPDATE segments SET claim_id = 'clm_forged' WHERE claim_id = ${claimId}`);
      const findings = await auditLedger(t.database.db);
      expect(rules(findings)).toEqual(["replay", "uses"]);
      expect(findings.filter((f) => f.rule === "uses").map((f) => f.detail)).toEqual(
        expect.arrayContaining([expect.stringContaining(claimId), expect.stringContaining("clm_forged")]),
      );
    } finally {
      await t.close();
    }
  });

  it("finds a claim whose quantity is not the units it used (quantities)", async () => {
    const { t, claimId } = await ledger();
    try {
      await behindTheBack(
        t.database.db,
        "claims",
        sql`UPDATE claims SET quantity = quantity + 1 WHERE id = ${claimId}`,
      );
      expect(await auditLedger(t.database.db)).toEqual([
        { rule: "quantities", detail: `${claimId}: quantity differs from its recorded units` },
      ]);
    } finally {
      await t.close();
    }
  });

  it("finds a rewritten journal entry (journal): its hash no longer matches", async () => {
    const { t, claimId } = await ledger();
    try {
      const [entry] = await rows(t.database.db, sql`SELECT seq::text AS seq FROM journal WHERE kind = 'claim'`);
      await behindTheBack(
        t.database.db,
        "journal",
        sql`UPDATE journal SET details = jsonb_set(details, '{purpose}', '"rewritten"') WHERE details->>'claimId' = ${claimId}`,
      );
      const findings = await auditLedger(t.database.db);
      expect(findings).toContainEqual({ rule: "journal", detail: `entry ${entry?.seq} does not match its hash` });
      expect(rules(findings)).toEqual(["journal"]);
    } finally {
      await t.close();
    }
  });

  it("finds units held by someone the journal never gave them to (replay)", async () => {
    const { t, company } = await ledger();
    try {
      const thief = await t.org("company", "JP", "Thief");
      await t.database.db.execute(
        sql`UPDATE segments SET holder = ${thief.id} WHERE holder = ${company.id} AND state = 'held'`,
      );
      expect(rules(await auditLedger(t.database.db))).toEqual(["replay"]);
    } finally {
      await t.close();
    }
  });

  it("finds a first transfer, or a cancellation, that the journal never recorded (replay, uses)", async () => {
    const { t, iss } = await ledger();
    try {
      const mongolia = await t.org("government", "MN");
      const auth = await t.call("POST", "/v1/authorizations", {
        key: mongolia.key,
        body: { reference: "audit", date: "2025-01-01", purposes: ["ndc"], serials: [iss.serials(60, 80)] },
      });
      expect(auth.status).toBe(201);
      expect(await auditLedger(t.database.db)).toEqual([]);
      await t.database.db.execute(
        sql`UPDATE segments SET first_transferred = true WHERE authorization_id = ${auth.body.id}`,
      );
      expect(rules(await auditLedger(t.database.db))).toEqual(["replay"]);
      await t.database.db.execute(
        sql`UPDATE segments SET first_transferred = false, state = 'cancelled', report_id = 'rpt_forged'
            WHERE authorization_id = ${auth.body.id}`,
      );
      expect(rules(await auditLedger(t.database.db))).toEqual(["replay", "uses"]);
    } finally {
      await t.close();
    }
  });

  it("finds a well-chained journal entry that the rules would have refused (replay)", async () => {
    const { t, iss, company } = await ledger();
    try {
      // A deposit of claimed units, hashed and chained as the service would, without touching a segment.
      const [entry] = await t.database.db.transaction((tx) =>
        appendJournal(tx, [
          {
            chain: `iss:${iss.id}`,
            kind: "deposit",
            actor: iss.registry.id,
            at: new Date(),
            serials: [iss.serials(1, 10)],
            details: { id: "dep_forged", from: null, to: company.id, registryReference: "forged", quantity: 10 },
            ranges: [{ issuanceId: iss.id, start: 1n, end: 10n }],
          },
        ]),
      );
      expect(await auditLedger(t.database.db)).toEqual([
        { rule: "replay", detail: `entry ${entry?.seq} (deposit) breaks the rules: serials_already_claimed` },
      ]);
    } finally {
      await t.close();
    }
  });

  it("answers doubleCounted: true for units the segments and the terminal uses disagree on, and logs it", async () => {
    const { t, iss, claimId } = await ledger();
    try {
      await behindTheBack(t.database.db, "use_ranges", sql`DELETE FROM use_ranges WHERE claim_id = ${claimId}`);
      const status = await t.call("GET", `/v1/status/${iss.serials(1, 20)}`);
      expect(status.body.doubleCounted).toBe(true);
      expect(t.log.lines).toContainEqual(
        expect.objectContaining({ level: "error", msg: "ledger inconsistency: segments and uses disagree" }),
      );
      const sound = await t.call("GET", `/v1/status/${iss.serials(11, 20)}`);
      expect(sound.body.doubleCounted).toBe(false);
    } finally {
      await t.close();
    }
  });
});
