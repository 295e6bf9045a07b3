import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import { Allocate, bearer, body, IdempotencyHeaders, json, problems, SerialsList } from "../../http/schemas.js";

const EthAddress = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte hex address 0x…")
  .openapi({ example: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });

export const TokenOperation = z
  .object({
    id: z.string().openapi({ example: "tok_01jd0k5x2m3n4p5q6r7s8t9v0w" }),
    tokenId: z.string().openapi({ description: "The issuance's numeric id", example: "1" }),
    issuanceId: z.string(),
    quantity: z.number().int(),
    status: z.enum(["pending", "sent", "confirmed"]),
    serials: z.array(z.string()),
    address: z.string(),
    txHash: z.string().nullable(),
    blockNumber: z.number().int().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    applied: z
      .boolean()
      .openapi({ description: "For a detokenization: the burn was observed and the units are held again" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("TokenOperation");

const TokenizeBody = z
  .xor(
    [
      z.object({ serials: SerialsList, toAddress: EthAddress }).strict(),
      z.object({ allocate: Allocate, toAddress: EthAddress }).strict(),
    ],
    { error: "give exactly one of serials or allocate, with toAddress" },
  )
  .openapi("TokenizationRequest");

const OperationId = z.object({ id: z.string().max(64) });

export const createTokenization = createRoute({
  method: "post",
  path: "/v1/tokenizations",
  tags: ["Tokens"],
  summary: "Tokenize held units of one issuance: held → tokenized, and the mint is queued (company)",
  middleware: requireRole("company"),
  security: bearer,
  request: { headers: IdempotencyHeaders, body: body(TokenizeBody) },
  responses: {
    202: json(TokenOperation, "Queued; `GET /v1/tokenizations/{id}` shows `confirmed` with `txHash` later"),
    ...problems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

export const getTokenization = createRoute({
  method: "get",
  path: "/v1/tokenizations/{id}",
  tags: ["Tokens"],
  summary: "A tokenization: status, transaction hash and block (company, its owner)",
  middleware: requireRole("company", "admin"),
  security: bearer,
  request: { params: OperationId },
  responses: { 200: json(TokenOperation, "The tokenization"), ...problems(401, 403, 404, 409) },
});

export const createDetokenization = createRoute({
  method: "post",
  path: "/v1/detokenizations",
  tags: ["Tokens"],
  summary: "Burn tokens from the caller's registered wallet; its lowest tokenized units return to held (company)",
  middleware: requireRole("company"),
  security: bearer,
  request: {
    headers: IdempotencyHeaders,
    body: body(
      z
        .object({
          issuanceId: z.string().max(40).openapi({ example: "iss_1" }),
          quantity: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
        })
        .strict(),
    ),
  },
  responses: { 202: json(TokenOperation, "Queued"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

export const getDetokenization = createRoute({
  method: "get",
  path: "/v1/detokenizations/{id}",
  tags: ["Tokens"],
  summary: "A detokenization (company, its owner)",
  middleware: requireRole("company", "admin"),
  security: bearer,
  request: { params: OperationId },
  responses: { 200: json(TokenOperation, "The detokenization"), ...problems(401, 403, 404, 409) },
});

export const getChain = createRoute({
  method: "get",
  path: "/v1/chain",
  tags: ["Tokens"],
  summary: "The mirror's state: chain, contract, last block ingested, pending operations, drift (public)",
  responses: {
    200: json(
      z.object({
        enabled: z.boolean(),
        worker: z.enum(["leader", "standby", "off"]).nullable().openapi({
          description:
            "This process's part: the one leader among the processes on the database runs the mirror; standbys take over when it stops; off: CHAIN_WORKER=false",
        }),
        chainId: z.number().int().nullable(),
        contract: z.string().nullable(),
        bridgeAddress: z.string().nullable(),
        lastBlockSeen: z.number().int().nullable(),
        outboxPending: z.number().int(),
        pending: z.array(
          z.object({
            id: z.string(),
            kind: z.string(),
            status: z.string(),
            attempts: z.number().int(),
            lastError: z.string().nullable(),
            nextAttemptAt: z.string(),
          }),
        ),
        drift: z.array(z.record(z.string(), z.unknown())).openapi({
          description:
            "Differences with the chain: `supply` per token id, `event` (a log the ledger refused), `stuck_operation` (queued longer than CHAIN_STUCK_AFTER_MS)",
        }),
      }),
      "The mirror",
    ),
    ...problems(),
  },
});

export const getToken = createRoute({
  method: "get",
  path: "/v1/tokens/{id}",
  tags: ["Tokens"],
  summary: "ERC-1155 metadata of a token id: project, vintage, registry, host country, authorization and CA (public)",
  request: { params: z.object({ id: z.string().max(40) }) },
  responses: {
    200: json(
      z.object({
        name: z.string(),
        description: z.string(),
        decimals: z.literal(0),
        external_url: z.string(),
        properties: z.record(z.string(), z.unknown()),
      }),
      "The metadata",
    ),
    ...problems(404, 409),
  },
});
