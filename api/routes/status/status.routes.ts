import { createRoute, z } from "@hono/zod-openapi";
import { ItmoBlock, json, NumericCursor, problems, SerialString } from "../../http/schemas.js";
import { PURPOSES } from "../../ledger/core/authorization.js";
import { UNIT_STATES } from "../../ledger/core/segments.js";
import { STATUS_LIMITS } from "../../ledger/read/status.js";
import { STATUS_AT_LIMITS } from "../../ledger/read/status-at.js";

const Part = z.object({
  serials: z.string(),
  quantity: z.number().int(),
  state: z.enum(UNIT_STATES),
  holder: z.string().optional(),
  claimId: z.string().optional(),
  reportId: z.string().optional(),
  tokenId: z.string().optional(),
  authorized: z.boolean(),
  correspondingAdjustment: z.boolean(),
  authorization: z
    .object({
      id: z.string().openapi({ example: "auz_01jd0k5x2m3n4p5q6r7s8t9v0w" }),
      purposes: z.array(z.enum(PURPOSES)),
      firstTransferred: z.boolean(),
      correspondingAdjustment: z.boolean(),
    })
    .nullable()
    .openapi({ description: "The Article 6.2 authorization covering the units, as its latest version states it" }),
  itmo: ItmoBlock.nullable(),
});

export const Status = z
  .object({
    serials: z.string(),
    quantity: z.number().int(),
    doubleCounted: z.boolean(),
    parts: z.array(Part),
    nextCursor: z.string().nullable().openapi({
      description:
        "Where the parts continue: the first unit of the next page (`GET /v1/status/{serials}?cursor=`), or null when they end here",
    }),
    at: z
      .string()
      .optional()
      .openapi({ description: "`?at=`: the moment the state is shown at, replayed from the journal" }),
  })
  .openapi("Status");

export const getStatus = createRoute({
  method: "get",
  path: "/v1/status/{serials}",
  tags: ["Status and provenance"],
  summary: "What has happened to every unit of a range, a page of parts at a time (public)",
  request: {
    params: z.object({ serials: z.string().max(200).openapi({ example: "JCM-JP-MN006-2020-1-100" }) }),
    query: z.object({
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(STATUS_LIMITS.partsPerPage)
        .default(STATUS_LIMITS.partsPerPage)
        .openapi({ description: "parts per page" }),
      cursor: NumericCursor.openapi({ description: "the first unit of the page: a `nextCursor`" }),
      at: z.iso
        .datetime({ offset: true })
        .optional()
        .openapi({
          description: `The state at this moment, replayed from the journal entries that touched the range (at most ${STATUS_AT_LIMITS.entries}; more: 422 \`history_too_long\`)`,
          example: "2025-12-31T23:59:59Z",
        }),
    }),
  },
  responses: { 200: json(Status, "The status"), ...problems(400, 404, 422) },
});

export const batchStatus = createRoute({
  method: "post",
  path: "/v1/status",
  tags: ["Status and provenance"],
  summary: "Status of up to 10,000 ranges; a bad entry fails only itself (public)",
  description: `Each range shows its first ${STATUS_LIMITS.partsPerRangeInBatch} parts (the rest: \`GET /v1/status/{serials}?cursor=\` from its \`nextCursor\`). An answer that would describe more parts than \`STATUS_BATCH_MAX_PARTS\` (50,000 by default) is refused with 422 \`answer_too_large\`.`,
  request: {
    body: {
      required: true,
      content: {
        "application/json": { schema: z.object({ serials: z.array(SerialString).min(1).max(10_000) }).strict() },
      },
    },
  },
  responses: {
    200: json(
      z.object({
        results: z.array(
          z.union([Status, z.object({ serials: z.string(), error: z.string(), status: z.number().int() })]),
        ),
      }),
      "One result per input, in order",
    ),
    ...problems(400, 413, 415, 422),
  },
});
