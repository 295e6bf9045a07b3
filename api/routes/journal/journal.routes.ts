import { createRoute, z } from "@hono/zod-openapi";
import { json, Limit, NumericCursor, problems } from "../../http/schemas.js";
import { Anchor } from "../claims/claims.routes.js";

export const JournalRoot = z
  .object({
    id: z.number().int(),
    root: z.string(),
    fromSeq: z.number().int().openapi({ description: "The first journal number the root covers" }),
    toSeq: z.number().int().openapi({ description: "The last; the next root starts right after it" }),
    size: z.number().int(),
    createdAt: z.string(),
    anchor: Anchor,
  })
  .openapi("JournalRoot");

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
        data: z.array(JournalRoot),
        nextCursor: z.string().nullable(),
      }),
      "A page of roots",
    ),
    ...problems(400),
  },
});

export const rootEntries = createRoute({
  method: "get",
  path: "/v1/journal/roots/{id}/entries",
  tags: ["Status and provenance"],
  summary: "The entries a root covers, in leaf order: every journal entry numbered fromSeq to toSeq (public)",
  description:
    "The root is the RFC 6962 Merkle root of these entries' hashes in this order; each hash is recomputed from its entry (`GET /v1/provenance/…` or a claim's certificate).",
  request: {
    params: z.object({ id: z.string().regex(/^[1-9][0-9]{0,15}$/, "must be a root id") }),
    query: z.object({ limit: Limit.default(500), cursor: NumericCursor }),
  },
  responses: {
    200: json(
      z.object({
        root: JournalRoot,
        data: z.array(z.object({ seq: z.number().int(), leafIndex: z.number().int(), hash: z.string() })),
        nextCursor: z.string().nullable(),
      }),
      "The root and a page of its entries",
    ),
    ...problems(400, 404),
  },
});
