import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
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

export const Claim = z
  .object({
    id: z.string().openapi({ example: "clm_01jd0k5x2m3n4p5q6r7s8t9v0w" }),
    claimant: z.string(),
    claimantName: z.string(),
    beneficiary: z.object({ name: z.string(), country: z.string() }),
    claimType: z.enum(["compensation", "contribution"]),
    purpose: z.string(),
    period: z.object({ start: z.string(), end: z.string() }),
    serials: z.array(z.string()),
    quantity: z.number().int(),
    hostCountries: z.array(z.string()),
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
  beneficiary: z.object({ name: Text(200), country: Country }).strict(),
  claimType: z.enum(["compensation", "contribution"]),
  purpose: Text(500).openapi({ example: "Offset of 2025 business travel" }),
  period: z.object({ start: IsoDate, end: IsoDate }).strict(),
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

export const listClaims = createRoute({
  method: "get",
  path: "/v1/claims",
  tags: ["Holding and claiming"],
  summary: "Claims, newest first (public); `year` is the calendar year (UTC) the claim was made",
  request: {
    query: z.object({
      claimant: z.string().max(64).optional(),
      year: z.coerce.number().int().min(1990).max(2100).optional(),
      hostCountry: Country.optional(),
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
