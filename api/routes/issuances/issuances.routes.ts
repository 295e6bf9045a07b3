import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import {
  bearer,
  body,
  Country,
  ExternalRefs,
  IdempotencyHeaders,
  IsoDate,
  json,
  Limit,
  NumericCursor,
  problems,
} from "../../http/schemas.js";
import { UNIT_STATES } from "../../ledger/core/segments.js";
import { MAX_UNIT } from "../../ledger/core/serials.js";

const UnitNumber = z
  .union([
    z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    z.string().regex(/^[1-9][0-9]{0,15}$/, "must be a positive integer without leading zeros"),
  ])
  .transform((v) => BigInt(v))
  .refine((v) => v <= MAX_UNIT, "must be at most 2^53-1")
  .openapi({ type: "integer", example: 1001 });

export const IssuanceBody = z
  .object({
    projectRef: z.string().regex(/^[A-Z]{2}[0-9]{3}$/, "must be a JCM project reference, e.g. MN006"),
    registry: Country,
    vintage: z.number().int().min(1990).max(2100),
    monitoringPeriod: z.object({ start: IsoDate, end: IsoDate }).strict(),
    serialStart: UnitNumber,
    serialEnd: UnitNumber,
    externalRefs: ExternalRefs.optional(),
  })
  .strict()
  .openapi("NewIssuance");

export const Issuance = z
  .object({
    id: z.string().openapi({ example: "iss_1" }),
    projectRef: z.string(),
    registry: z.string(),
    vintage: z.number().int(),
    hostCountry: z.string(),
    monitoringPeriod: z.object({ start: z.string(), end: z.string() }),
    serialStart: z.number().int(),
    serialEnd: z.number().int(),
    serials: z.string(),
    quantity: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("Issuance");

const Segment = z.object({
  serials: z.string(),
  quantity: z.number().int(),
  state: z.enum(UNIT_STATES),
  holder: z.string().nullable(),
  claimId: z.string().nullable(),
  reportId: z.string().nullable(),
  tokenId: z.string().nullable(),
  authorized: z.boolean(),
  correspondingAdjustment: z.boolean(),
});

export const createIssuance = createRoute({
  method: "post",
  path: "/v1/issuances",
  tags: ["Registry data"],
  summary: "Record an issuance (registry); overlapping units of the same registry are refused",
  middleware: requireRole("registry"),
  security: bearer,
  request: { headers: IdempotencyHeaders, body: body(IssuanceBody) },
  responses: { 201: json(Issuance, "The issuance"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

export const importIssuances = createRoute({
  method: "post",
  path: "/v1/issuances/import",
  tags: ["Registry data"],
  summary: "Import many issuances at once, all or nothing (registry)",
  description:
    "JSON `{ issuances: [...] }` or `text/csv` with the header " +
    "`project_ref,registry,vintage,monitoring_start,monitoring_end,serial_start,serial_end`. " +
    "Any bad row fails the whole import with a 400 listing every bad row.",
  middleware: requireRole("registry"),
  security: bearer,
  request: {
    headers: IdempotencyHeaders,
    body: {
      required: false,
      content: {
        "application/json": { schema: z.object({ issuances: z.array(IssuanceBody).min(1).max(100_000) }).strict() },
        "text/csv": { schema: z.string().openapi({ example: "project_ref,registry,vintage,..." }) },
      },
    },
  },
  responses: {
    201: json(z.object({ imported: z.number().int(), issuances: z.array(Issuance) }), "The imported issuances"),
    ...problems(400, 401, 403, 409, 413, 415, 422),
  },
});

export const getIssuance = createRoute({
  method: "get",
  path: "/v1/issuances/{id}",
  tags: ["Registry data"],
  summary: "An issuance with its segments and totals per state (public)",
  request: {
    params: z.object({ id: z.string().max(40) }),
    query: z.object({
      limit: Limit.openapi({ description: "segments per page" }),
      cursor: NumericCursor,
    }),
  },
  responses: {
    200: json(
      Issuance.extend({
        totals: z.record(z.enum(UNIT_STATES), z.number().int()),
        segments: z.array(Segment),
        segmentsNextCursor: z.string().nullable(),
      }),
      "The issuance",
    ),
    ...problems(400, 404),
  },
});
