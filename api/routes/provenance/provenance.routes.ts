import { createRoute, z } from "@hono/zod-openapi";
import { json, Limit, NumericCursor, problems } from "../../http/schemas.js";
import { PROVENANCE_LIMITS } from "../../ledger/read/provenance.js";

export const getProvenance = createRoute({
  method: "get",
  path: "/v1/provenance/{serials}",
  tags: ["Status and provenance"],
  summary: "Every journal event that touched the range, oldest first, with its hash chain (public)",
  description: `A page holds at most \`limit\` events, and fewer where their serials would together name more than ${PROVENANCE_LIMITS.serialsPerPage.toLocaleString("en")} ranges; \`nextCursor\` continues.`,
  request: {
    params: z.object({ serials: z.string().max(200) }),
    query: z.object({
      limit: Limit,
      cursor: NumericCursor,
    }),
  },
  responses: {
    200: json(
      z.object({
        serials: z.string(),
        events: z.array(
          z.object({
            seq: z.number().int(),
            at: z.string(),
            kind: z.string(),
            serials: z.array(z.string()),
            actor: z.string().nullable(),
            details: z.record(z.string(), z.unknown()),
            chain: z.string(),
            hash: z.string(),
            prevHash: z.string(),
          }),
        ),
        nextCursor: z.string().nullable(),
      }),
      "The events",
    ),
    ...problems(400, 404),
  },
});
