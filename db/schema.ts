import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/**
 * Schema as code. Range columns and the exclusion constraints that keep the ledger honest are
 * not expressible in drizzle; they live in the hand-written migration `0001_ledger_constraints.sql`.
 */
const int8range = customType<{ data: string; driverData: string }>({
  dataType: () => "int8range",
});

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" }).notNull();

export const organizations = pgTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    role: text("role").notNull(),
    country: text("country"),
    walletAddress: text("wallet_address"),
    /** The registry codes a registry organization operates (Japan's registry also hosts Mongolia's). */
    registries: text("registries").array().notNull().default(sql`'{}'::text[]`),
    createdAt: ts("created_at"),
  },
  (t) => [
    check("organizations_role", sql`${t.role} in ('admin', 'registry', 'government', 'company')`),
    check(
      "organizations_registries",
      sql`(${t.role} = 'registry' OR cardinality(${t.registries}) = 0) AND array_to_string(${t.registries}, ',') ~ '^([A-Z]{2}(,[A-Z]{2})*)?$'`,
    ),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    label: text("label"),
    keyHash: text("key_hash").notNull(),
    createdAt: ts("created_at"),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [uniqueIndex("api_keys_hash").on(t.keyHash), index("api_keys_org").on(t.organizationId)],
);

export const projects = pgTable("projects", {
  ref: text("ref").primaryKey(),
  title: text("title").notNull(),
  hostCountry: text("host_country").notNull(),
  methodology: text("methodology").notNull(),
  sector: text("sector"),
  registeredOn: date("registered_on"),
  createdAt: ts("created_at"),
});

export const issuances = pgTable(
  "issuances",
  {
    id: bigint("id", { mode: "bigint" }).primaryKey().generatedAlwaysAsIdentity(),
    projectRef: text("project_ref")
      .notNull()
      .references(() => projects.ref),
    registry: text("registry").notNull(),
    vintage: integer("vintage").notNull(),
    monitoringStart: date("monitoring_start").notNull(),
    monitoringEnd: date("monitoring_end").notNull(),
    serials: int8range("serials").notNull(),
    createdBy: text("created_by").references(() => organizations.id),
    createdAt: ts("created_at"),
  },
  // Ranges are found by descending from their first unit on a B-tree (faster than the GiST
  // exclusion index for lookups); the same holds for segments and use ranges below.
  (t) => [
    index("issuances_project").on(t.projectRef),
    index("issuances_start").on(t.registry, sql`lower(${t.serials})`),
  ],
);

export const segments = pgTable(
  "segments",
  {
    id: bigserial("id", { mode: "bigint" }).primaryKey(),
    issuanceId: bigint("issuance_id", { mode: "bigint" })
      .notNull()
      .references(() => issuances.id),
    serials: int8range("serials").notNull(),
    state: text("state").notNull(),
    holder: text("holder").references(() => organizations.id),
    claimId: text("claim_id"),
    reportId: text("report_id"),
    tokenId: text("token_id"),
    /** The authorization (Article 6.2) whose latest version covers these units, if any. */
    authorizationId: text("authorization_id").references(() => authorizations.id),
    /** The host country's first transfer of these units happened: it owes their corresponding adjustment. */
    firstTransferred: boolean("first_transferred").notNull().default(false),
    correspondingAdjustment: boolean("corresponding_adjustment").notNull(),
  },
  (t) => [
    index("segments_holder").on(t.holder, t.state),
    // The claims export reads a page of claims and then their segments.
    index("segments_claim").on(t.claimId).where(sql`${t.claimId} IS NOT NULL`),
    index("segments_start").on(t.issuanceId, sql`lower(${t.serials})`),
    check(
      "segments_state",
      sql`${t.state} in ('in_registry', 'held', 'tokenized', 'claimed', 'government_used', 'cancelled')`,
    ),
    check("segments_first_transfer_authorized", sql`NOT ${t.firstTransferred} OR ${t.authorizationId} IS NOT NULL`),
  ],
);

export const useRanges = pgTable(
  "use_ranges",
  {
    id: bigserial("id", { mode: "bigint" }).primaryKey(),
    issuanceId: bigint("issuance_id", { mode: "bigint" })
      .notNull()
      .references(() => issuances.id),
    serials: int8range("serials").notNull(),
    claimId: text("claim_id"),
    reportId: text("report_id"),
  },
  (t) => [index("use_ranges_start").on(t.issuanceId, sql`lower(${t.serials})`)],
);

export const claims = pgTable(
  "claims",
  {
    id: text("id").primaryKey(),
    claimantId: text("claimant_id")
      .notNull()
      .references(() => organizations.id),
    beneficiaryName: text("beneficiary_name").notNull(),
    beneficiaryCountry: text("beneficiary_country").notNull(),
    /** The name as search compares it (`beneficiaryKey`): compatibility form, lower case. */
    beneficiaryKey: text("beneficiary_key").notNull(),
    beneficiaryKind: text("beneficiary_kind").notNull().default("organization"),
    beneficiaryLegalId: text("beneficiary_legal_id"),
    claimType: text("claim_type").notNull(),
    reason: text("reason"),
    framework: text("framework"),
    frameworkTier: text("framework_tier"),
    frameworkOperator: text("framework_operator"),
    reportingYear: integer("reporting_year"),
    scopes: smallint("scopes").array(),
    notes: text("notes"),
    projectRefs: text("project_refs").array().notNull().default(sql`'{}'::text[]`),
    purpose: text("purpose").notNull(),
    periodStart: date("period_start").notNull(),
    periodEnd: date("period_end").notNull(),
    serials: text("serials").array().notNull(),
    quantity: bigint("quantity", { mode: "bigint" }).notNull(),
    hostCountries: text("host_countries").array().notNull(),
    txHash: text("tx_hash"),
    journalSeq: bigint("journal_seq", { mode: "bigint" }).notNull(),
    journalHash: text("journal_hash").notNull(),
    createdAt: ts("created_at"),
  },
  (t) => [
    index("claims_claimant").on(t.claimantId, t.id),
    index("claims_beneficiary").on(t.beneficiaryKey, t.id),
    index("claims_beneficiary_search").using("gin", sql`${t.beneficiaryKey} gin_trgm_ops`),
    index("claims_project_refs").using("gin", t.projectRefs),
    check("claims_type", sql`${t.claimType} in ('compensation', 'contribution')`),
    check("claims_beneficiary_kind", sql`${t.beneficiaryKind} in ('organization', 'person')`),
    check(
      "claims_reason",
      sql`${t.reason} in ('corporate_inventory', 'on_behalf_of_third_party', 'product_or_service', 'environmental_benefit', 'compliance', 'other')`,
    ),
    check("claims_framework", sql`${t.framework} in ('vcmi', 'sbti_bvcm', 'gx_ets', 'shk', 'corsia', 'none', 'other')`),
    check(
      "claims_framework_tier",
      sql`(${t.frameworkTier} is not null) = (${t.framework} is not distinct from 'vcmi')
          and (${t.frameworkTier} is null or ${t.frameworkTier} in ('silver', 'gold', 'platinum', 'scope3_action'))`,
    ),
    check(
      "claims_framework_operator",
      sql`(${t.frameworkOperator} is not null) = (${t.framework} is not distinct from 'corsia')`,
    ),
    check("claims_reporting_year", sql`${t.reportingYear} between 1990 and 2100`),
    check("claims_scopes", sql`${t.scopes} <@ '{1,2,3}'::smallint[] and cardinality(${t.scopes}) > 0`),
  ],
);

export const governmentReports = pgTable(
  "government_reports",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    party: text("party").notNull(),
    kind: text("kind").notNull(),
    year: integer("year").notNull(),
    reference: text("reference").notNull(),
    serials: text("serials").array().notNull(),
    quantity: bigint("quantity", { mode: "bigint" }).notNull(),
    /** What the kind adds: the acquiring Party of a first transfer, the purpose of a cancellation, consistency findings. */
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
    journalSeq: bigint("journal_seq", { mode: "bigint" }).notNull(),
    createdAt: ts("created_at"),
  },
  (t) => [
    index("government_reports_party").on(t.party, t.year),
    check(
      "government_reports_kind",
      sql`${t.kind} in ('ndc_use', 'authorization', 'corresponding_adjustment', 'first_transfer', 'cancellation')`,
    ),
  ],
);

/** Article 6.2 cooperative approaches: one per pair Japan–partner, identified by the UNFCCC. */
export const cooperativeApproaches = pgTable(
  "cooperative_approaches",
  {
    partner: text("partner").primaryKey(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    updatedAt: ts("updated_at"),
  },
  (t) => [
    uniqueIndex("cooperative_approaches_id").on(t.id),
    check("cooperative_approaches_id_form", sql`${t.id} ~ '^CA[0-9]{4,8}$'`),
    check("cooperative_approaches_partner_form", sql`${t.partner} ~ '^[A-Z]{2}$' AND ${t.partner} <> 'JP'`),
  ],
);

/** An authorization of mitigation outcomes as ITMOs (AEF table 2): one per Party and reference. */
export const authorizations = pgTable(
  "authorizations",
  {
    id: text("id").primaryKey(),
    party: text("party").notNull(),
    reference: text("reference").notNull(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    createdAt: ts("created_at"),
  },
  (t) => [uniqueIndex("authorizations_reference").on(t.party, t.reference), index("authorizations_party").on(t.party)],
);

/** Every version of an authorization stays readable; the latest governs units not yet first-transferred. */
export const authorizationVersions = pgTable(
  "authorization_versions",
  {
    authorizationId: text("authorization_id")
      .notNull()
      .references(() => authorizations.id),
    version: integer("version").notNull(),
    date: date("date").notNull(),
    cooperativeApproachId: text("cooperative_approach_id"),
    purposes: text("purposes").array().notNull(),
    oimpPurposes: text("oimp_purposes").array().notNull(),
    authorizedParties: text("authorized_parties").array().notNull(),
    authorizedEntities: text("authorized_entities").array().notNull(),
    firstTransfer: text("first_transfer"),
    timeframeStart: date("timeframe_start"),
    timeframeEnd: date("timeframe_end"),
    terms: text("terms"),
    documentationUrl: text("documentation_url"),
    serials: text("serials").array().notNull(),
    quantity: bigint("quantity", { mode: "bigint" }).notNull(),
    journalSeq: bigint("journal_seq", { mode: "bigint" }).notNull(),
    createdAt: ts("created_at"),
  },
  (t) => [
    primaryKey({ columns: [t.authorizationId, t.version] }),
    check("authorization_versions_version", sql`${t.version} >= 1`),
    check(
      "authorization_versions_purposes",
      sql`cardinality(${t.purposes}) > 0 AND ${t.purposes} <@ ARRAY['ndc', 'oimp', 'op']::text[]`,
    ),
    check(
      "authorization_versions_oimp_purposes",
      sql`${t.oimpPurposes} <@ ARRAY['corsia', 'voluntary', 'other']::text[]`,
    ),
    // OIMP needs the event at which the first transfer happens (2/CMA.3 annex, para. 2(b)).
    check(
      "authorization_versions_first_transfer",
      sql`(${t.firstTransfer} IS NULL AND NOT 'oimp' = ANY(${t.purposes}))
          OR ${t.firstTransfer} in ('authorization', 'issuance', 'use_or_cancellation')`,
    ),
  ],
);

export const movements = pgTable(
  "movements",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    actorId: text("actor_id")
      .notNull()
      .references(() => organizations.id),
    fromOrganizationId: text("from_organization_id").references(() => organizations.id),
    toOrganizationId: text("to_organization_id").references(() => organizations.id),
    registryReference: text("registry_reference"),
    serials: text("serials").array().notNull(),
    quantity: bigint("quantity", { mode: "bigint" }).notNull(),
    journalSeq: bigint("journal_seq", { mode: "bigint" }).notNull(),
    createdAt: ts("created_at"),
  },
  (t) => [check("movements_kind", sql`${t.kind} in ('deposit', 'withdrawal', 'transfer')`)],
);

export const journal = pgTable(
  "journal",
  {
    seq: bigserial("seq", { mode: "bigint" }).primaryKey(),
    chain: text("chain").notNull(),
    at: ts("at"),
    kind: text("kind").notNull(),
    actor: text("actor"),
    serials: text("serials").array().notNull(),
    details: jsonb("details").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("journal_chain").on(t.chain, t.seq),
    uniqueIndex("journal_hash").on(t.hash),
    // The Article 6 report reads a year of one kind of entry at a time.
    index("journal_kind_at").on(t.kind, t.at),
  ],
);

export const journalRanges = pgTable(
  "journal_ranges",
  {
    seq: bigint("seq", { mode: "bigint" })
      .notNull()
      .references(() => journal.seq),
    issuanceId: bigint("issuance_id", { mode: "bigint" })
      .notNull()
      .references(() => issuances.id),
    serials: int8range("serials").notNull(),
  },
  // A page of a range's history walks its issuance's entries in order and stops when the page is full.
  (t) => [
    index("journal_ranges_issuance_seq").on(t.issuanceId, t.seq),
    // The reports export reads a page of reports and then the ranges of their journal entries.
    index("journal_ranges_seq").on(t.seq),
  ],
);

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    apiKeyId: text("api_key_id")
      .notNull()
      .references(() => apiKeys.id),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    contentType: text("content_type").notNull(),
    body: text("body").notNull(),
    /** The API key a stored key creation made: its replay is refused once that key is revoked. */
    createdKeyId: text("created_key_id").references(() => apiKeys.id),
    createdAt: ts("created_at"),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.key] })],
);

/**
 * The chain mirror's outbox: one row per on-chain operation (a tokenization mints, a
 * detokenization burns). Written in the same transaction as the ledger change; a worker sends it.
 * `op_id` is the id the contract refuses twice, so a resend can never mint or burn twice.
 */
export const chainOutbox = pgTable(
  "chain_outbox",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    issuanceId: bigint("issuance_id", { mode: "bigint" })
      .notNull()
      .references(() => issuances.id),
    serials: text("serials").array().notNull(),
    quantity: bigint("quantity", { mode: "bigint" }).notNull(),
    address: text("address").notNull(),
    opId: text("op_id").notNull(),
    status: text("status").notNull(),
    txHash: text("tx_hash"),
    rawTx: text("raw_tx"),
    blockNumber: bigint("block_number", { mode: "bigint" }),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: ts("next_attempt_at"),
    leaseUntil: timestamp("lease_until", { withTimezone: true, mode: "date" }),
    lastError: text("last_error"),
    appliedAt: timestamp("applied_at", { withTimezone: true, mode: "date" }),
    createdAt: ts("created_at"),
    updatedAt: ts("updated_at"),
  },
  (t) => [
    uniqueIndex("chain_outbox_op").on(t.opId),
    index("chain_outbox_due").on(t.status, t.nextAttemptAt),
    check("chain_outbox_kind", sql`${t.kind} in ('mint', 'burn')`),
    check("chain_outbox_status", sql`${t.status} in ('pending', 'sent', 'confirmed')`),
  ],
);

/** Where the listener stands, per contract: it resumes from here after a restart. */
export const chainCursor = pgTable("chain_cursor", {
  contract: text("contract").primaryKey(),
  chainId: bigint("chain_id", { mode: "bigint" }).notNull(),
  lastBlock: bigint("last_block", { mode: "bigint" }).notNull(),
  updatedAt: ts("updated_at"),
});

/** Every contract log the listener ingested, once: the key makes a redelivered log a no-op. */
export const chainLogs = pgTable(
  "chain_logs",
  {
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    event: text("event").notNull(),
    tokenId: text("token_id").notNull(),
    amount: text("amount").notNull(),
    account: text("account").notNull(),
    outcome: text("outcome").notNull(),
    detail: text("detail"),
    claimId: text("claim_id"),
    createdAt: ts("created_at"),
  },
  (t) => [primaryKey({ columns: [t.txHash, t.logIndex] })],
);

/** The reconciler's latest findings: on-chain supply against the ledger, per token id. */
export const chainDrift = pgTable("chain_drift", {
  tokenId: text("token_id").primaryKey(),
  onChain: text("on_chain").notNull(),
  expected: text("expected").notNull(),
  ledgerTokenized: text("ledger_tokenized").notNull(),
  pending: text("pending").notNull(),
  blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
  checkedAt: ts("checked_at"),
});

/**
 * Merkle roots over sealed journal entries, and which entries each root covers (entries may
 * commit out of sequence order, so a root names its leaves instead of assuming a contiguous range).
 */
export const journalRoots = pgTable("journal_roots", {
  id: bigserial("id", { mode: "bigint" }).primaryKey(),
  root: text("root").notNull(),
  fromSeq: bigint("from_seq", { mode: "bigint" }).notNull(),
  toSeq: bigint("to_seq", { mode: "bigint" }).notNull(),
  size: integer("size").notNull(),
  createdAt: ts("created_at"),
  anchorChainId: bigint("anchor_chain_id", { mode: "bigint" }),
  anchorContract: text("anchor_contract"),
  anchorTxHash: text("anchor_tx_hash"),
  anchorBlock: bigint("anchor_block", { mode: "bigint" }),
});

export const journalRootEntries = pgTable(
  "journal_root_entries",
  {
    seq: bigint("seq", { mode: "bigint" })
      .primaryKey()
      .references(() => journal.seq),
    rootId: bigint("root_id", { mode: "bigint" })
      .notNull()
      .references(() => journalRoots.id),
    leafIndex: integer("leaf_index").notNull(),
  },
  (t) => [uniqueIndex("journal_root_entries_leaf").on(t.rootId, t.leafIndex)],
);

/**
 * Where the sealer may seal up to: every journal entry numbered up to `seq` belongs to a
 * transaction numbered below `xid_bound`, so once no transaction below it runs, they are all final
 * (committed, or gone for good) and a root over them never has to be redone. One row.
 */
export const journalSealHorizon = pgTable(
  "journal_seal_horizon",
  {
    id: integer("id").primaryKey().default(1),
    seq: bigint("seq", { mode: "bigint" }).notNull(),
    xidBound: bigint("xid_bound", { mode: "bigint" }).notNull(),
  },
  (t) => [check("journal_seal_horizon_one", sql`${t.id} = 1`)],
);

/**
 * An organization's subscription to events: where to send them (`url`), which (`types`, empty for
 * all, and the filters), and the secret that signs each delivery. A webhook that keeps failing for
 * a day is disabled, with the reason.
 */
export const webhooks = pgTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    url: text("url").notNull(),
    types: text("types").array().notNull(),
    registry: text("registry"),
    hostCountry: text("host_country"),
    projectRef: text("project_ref"),
    secret: text("secret").notNull(),
    status: text("status").notNull(),
    disabledReason: text("disabled_reason"),
    createdAt: ts("created_at"),
    disabledAt: timestamp("disabled_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    index("webhooks_org").on(t.organizationId, t.id),
    check("webhooks_status", sql`${t.status} in ('active', 'disabled', 'deleted')`),
    check("webhooks_disabled", sql`(${t.status} = 'active') = (${t.disabledAt} is null)`),
  ],
);

/**
 * The outbox: one row per event and webhook, written in the transaction that wrote the event, so
 * none is lost and none comes from a write that rolled back. A worker takes due rows (`SKIP
 * LOCKED`, a lease until `next_attempt_at`), sends them and records what the receiver answered.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => webhooks.id),
    eventSeq: bigint("event_seq", { mode: "bigint" })
      .notNull()
      .references(() => journal.seq),
    eventType: text("event_type").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    /** Failures are retried until then (a day after the event, or after a redelivery was asked for). */
    retryUntil: ts("retry_until"),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true, mode: "date" }),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    lastResponse: text("last_response"),
    createdAt: ts("created_at"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event").on(t.webhookId, t.eventSeq),
    index("webhook_deliveries_due").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_webhook").on(t.webhookId, t.id),
    check("webhook_deliveries_status", sql`${t.status} in ('pending', 'delivered', 'failed')`),
    check("webhook_deliveries_response", sql`octet_length(${t.lastResponse}) <= 1024`),
  ],
);

/**
 * A real registry's own reference for a record of the ledger (its transaction or account number):
 * one per system and id, so a registry reconciles its statements with the bridge by lookup.
 */
export const externalRefs = pgTable(
  "external_refs",
  {
    system: text("system").notNull(),
    refId: text("ref_id").notNull(),
    kind: text("kind").notNull(),
    recordId: text("record_id").notNull(),
    serials: text("serials").array().notNull(),
    journalSeq: bigint("journal_seq", { mode: "bigint" })
      .notNull()
      .references(() => journal.seq),
    createdAt: ts("created_at"),
  },
  (t) => [
    primaryKey({ columns: [t.system, t.refId] }),
    index("external_refs_record").on(t.recordId),
    check("external_refs_kind", sql`${t.kind} in ('issuance', 'deposit', 'withdrawal')`),
  ],
);
