import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import { detectLanguage } from "../../http/language.js";
import {
  Allocate,
  bearer,
  body,
  Country,
  Cursor,
  IdempotencyHeaders,
  IsoDate,
  ItmoBlock,
  json,
  Limit,
  problems,
  SerialsList,
  Text,
} from "../../http/schemas.js";
import { BENEFICIARY_KINDS, FRAMEWORKS, REASONS, SCOPES, VCMI_TIERS } from "../../ledger/core/claim-terms.js";
import { MAX_BATCH_CLAIMS } from "../../ledger/ops/claims.js";
import { LANGS } from "../../pages/i18n.js";

const Framework = z
  .object({
    kind: z.enum(FRAMEWORKS),
    tier: z.enum(VCMI_TIERS).optional().openapi({ description: "VCMI claims only, and required there" }),
    operator: Text(200).optional().openapi({
      description: "CORSIA claims only, and required there: the aeroplane operator",
      example: "Japan Airlines",
    }),
  })
  .strict()
  .openapi("ClaimFramework", { description: "The claim framework the retirement supports" });

export const Claim = z
  .object({
    id: z.string().openapi({ example: "clm_01jd0k5x2m3n4p5q6r7s8t9v0w" }),
    claimant: z.string(),
    claimantName: z.string(),
    beneficiary: z.object({
      name: z.string().nullable().openapi({
        description: "Null for a person in lists and exports: a person's name is shown on their own claim only",
      }),
      country: z.string(),
      legalId: z.string().nullable(),
      kind: z.enum(BENEFICIARY_KINDS),
    }),
    claimType: z.enum(["compensation", "contribution"]),
    purpose: z.string(),
    period: z.object({ start: z.string(), end: z.string() }),
    reason: z.enum(REASONS).nullable(),
    framework: Framework.nullable(),
    reportingYear: z.number().int().nullable(),
    scopes: z.array(z.number().int()).nullable(),
    notes: z.string().nullable(),
    serials: z.array(z.string()),
    quantity: z.number().int(),
    hostCountries: z.array(z.string()),
    projectRefs: z.array(z.string()),
    txHash: z.string().nullable(),
    createdAt: z.string(),
    certificate: z.object({ hash: z.string(), journalSeq: z.number().int() }),
    itmos: z
      .array(ItmoBlock.extend({ serials: z.string() }))
      .openapi({ description: "The claimed units that are ITMOs, by block, with their first and last ITMO id" }),
  })
  .openapi("Claim");

const ProofStep = z.object({ side: z.enum(["left", "right"]), hash: z.string() });

export const Anchor = z
  .object({ chainId: z.number().int(), contract: z.string(), txHash: z.string(), blockNumber: z.number().int() })
  .nullable();

export const CertifiedClaim = Claim.extend({
  certificate: z.object({
    hash: z.string().openapi({ description: "SHA-256 of the journal entry that recorded the claim" }),
    journalSeq: z.number().int(),
    entry: z.object({
      seq: z.number().int(),
      chain: z.string(),
      at: z.string(),
      kind: z.string(),
      actor: z.string().nullable(),
      serials: z.array(z.string()),
      details: z.record(z.string(), z.unknown()),
      prevHash: z.string(),
    }),
    root: z.string().nullable().openapi({ description: "Merkle root (RFC 6962) of the sealed journal entries" }),
    rootId: z.number().int().nullable(),
    leafIndex: z.number().int().nullable(),
    treeSize: z.number().int().nullable(),
    proof: z.array(ProofStep).nullable(),
    anchor: Anchor.openapi({ description: "Where the root was anchored on chain, once it is" }),
    sealing: z
      .object({ expectedWithinSeconds: z.number().int() })
      .nullable()
      .openapi({ description: "While the entry is not sealed yet (root null): when to look again" }),
  }),
}).openapi("CertifiedClaim");

const ClaimFields = {
  beneficiary: z
    .object({
      name: Text(200),
      country: Country,
      legalId: Text(100).optional().openapi({
        description: "A registered identifier of the beneficiary, e.g. a Japanese corporate number",
        example: "JP-CN:1234567890123",
      }),
      kind: z.enum(BENEFICIARY_KINDS).optional().openapi({ description: "Default `organization`" }),
    })
    .strict(),
  claimType: z.enum(["compensation", "contribution"]),
  purpose: Text(500).openapi({ example: "Offset of 2025 business travel" }),
  period: z.object({ start: IsoDate, end: IsoDate }).strict(),
  reason: z.enum(REASONS).optional().openapi({ description: "Why the units are retired (Verra's retirement reasons)" }),
  framework: Framework.optional(),
  reportingYear: z.number().int().min(1990).max(2100).optional().openapi({
    description: "The year whose emissions or target the claim serves; required for a compensation claim",
  }),
  scopes: z
    .array(z.union(SCOPES.map((n) => z.literal(n))))
    .min(1)
    .max(3)
    .optional()
    .openapi({ description: "The GHG Protocol scopes the claim addresses" }),
  notes: Text(2000).optional(),
};

const ClaimBody = z
  .xor(
    [
      z.object({ serials: SerialsList, ...ClaimFields }).strict(),
      z.object({ allocate: Allocate, ...ClaimFields }).strict(),
    ],
    { error: "give exactly one of serials or allocate" },
  )
  .openapi("ClaimRequest");

const BatchBody = z
  .object({ claims: z.array(ClaimBody).min(1).max(MAX_BATCH_CLAIMS) })
  .strict()
  .openapi("ClaimBatchRequest");

export const createClaims = createRoute({
  method: "post",
  path: "/v1/claims/batch",
  tags: ["Holding and claiming"],
  summary: `Up to ${MAX_BATCH_CLAIMS} claims in one transaction, all or none (company)`,
  description:
    "Each item is a claim as `POST /v1/claims` takes it. An item refused refuses the batch: the answer is that item's own refusal with its `index`, and nothing is written.",
  middleware: requireRole("company"),
  security: bearer,
  request: { headers: IdempotencyHeaders, body: body(BatchBody) },
  responses: {
    201: json(z.object({ data: z.array(Claim) }), "The claims, in the order of the request"),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

export const createClaim = createRoute({
  method: "post",
  path: "/v1/claims",
  tags: ["Holding and claiming"],
  summary: "Claim held units for a beneficiary: held → claimed, for good (company)",
  middleware: requireRole("company"),
  security: bearer,
  request: { headers: IdempotencyHeaders, body: body(ClaimBody) },
  responses: { 201: json(Claim, "The claim"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

export const getClaim = createRoute({
  method: "get",
  path: "/v1/claims/{id}",
  tags: ["Holding and claiming"],
  summary: "A claim and its certificate: journal entry, Merkle inclusion proof, on-chain anchor (public)",
  request: { params: z.object({ id: z.string().max(64) }) },
  responses: { 200: json(CertifiedClaim, "The claim"), ...problems(404) },
});

/** The filters of the claim register, its list and its CSV export alike. */
export const ClaimFilters = {
  claimant: z.string().max(64).optional(),
  year: z.coerce.number().int().min(1990).max(2100).optional().openapi({
    description: "The calendar year (UTC) the claim was made",
  }),
  hostCountry: Country.optional(),
  beneficiary: z.string().trim().min(1).max(200).optional().openapi({
    description: "Part of an organization beneficiary's name, in any case and width: `sakura` finds ＳＡＫＵＲＡ",
  }),
  beneficiaryKey: z.string().trim().min(1).max(200).optional().openapi({
    description:
      "One organization beneficiary: its whole name, in any case and width (the key of /beneficiaries/{key})",
  }),
  projectRef: z.string().max(16).optional().openapi({ example: "MN006" }),
  reason: z.enum(REASONS).optional(),
  framework: z.enum(FRAMEWORKS).optional(),
  claimType: z.enum(["compensation", "contribution"]).optional(),
};

export const getCertificatePdf = createRoute({
  method: "get",
  path: "/v1/claims/{id}/certificate.pdf",
  tags: ["Holding and claiming"],
  summary: "A claim's certificate as an A4 PDF with a QR code to its public page (public)",
  description:
    "Japanese or English: `lang`, else `Accept-Language`, else English. The same facts as the certificate page, with the verification data.",
  middleware: detectLanguage,
  request: {
    params: z.object({ id: z.string().max(64) }),
    query: z.object({ lang: z.enum(LANGS).optional() }),
  },
  responses: {
    200: {
      description: "The certificate",
      content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } },
    },
    ...problems(400, 404),
  },
});

export const listClaims = createRoute({
  method: "get",
  path: "/v1/claims",
  tags: ["Holding and claiming"],
  summary: "Claims, newest first (public); `year` is the calendar year (UTC) the claim was made",
  request: {
    query: z.object({
      ...ClaimFilters,
      txHash: z
        .string()
        .regex(/^0x[0-9a-fA-F]{64}$/)
        .optional(),
      limit: Limit,
      cursor: Cursor,
    }),
  },
  responses: {
    200: json(z.object({ data: z.array(Claim), nextCursor: z.string().nullable() }), "A page of claims"),
    ...problems(400),
  },
});
