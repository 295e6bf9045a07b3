import { createRoute, z } from "@hono/zod-openapi";
import { json, Limit, NumericCursor, problems } from "../../http/schemas.js";
import { Anchor } from "../claims/claims.routes.js";

export const listRoots = createRoute({
  method: "get",
  path: "/v1/journal/roots",
  tags: ["Status and provenance"],
  summary: "Merkle roots over the sealed journal, newest first, with their on-chain anchors (public)",
  request: {
    query: z.object({
      limit: Limit,
      cursor: NumericCursor,
    }),
  },
  responses: {
    200: json(
      z.object({
        data: z.array(
          z.object({
            id: z.number().int(),
            root: z.string(),
            fromSeq: z.number().int(),
            toSeq: z.number().int(),
            size: z.number().int(),
            createdAt: z.string(),
            anchor: Anchor,
          }),
        ),
        nextCursor: z.string().nullable(),
      }),
      "A page of roots",
    ),
    ...problems(400),
  },
});
