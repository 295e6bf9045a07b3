import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import { json, problems, RefSystem } from "../../http/schemas.js";
import { lookupExternalRef } from "../../ledger/store/external-refs.js";

const ExternalRefRecord = z
  .object({
    system: z.string(),
    id: z.string(),
    kind: z.enum(["issuance", "deposit", "withdrawal"]),
    recordId: z.string().openapi({ example: "dep_01jd0k5x2m3n4p5q6r7s8t9v0w" }),
    serials: z.array(z.string()),
    journalSeq: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("ExternalRefRecord");

const lookup = createRoute({
  method: "get",
  path: "/v1/lookup",
  tags: ["Registry data"],
  summary: "Which record of the ledger, and which units, an external reference names (public)",
  request: { query: z.object({ system: RefSystem, id: z.string().min(1).max(200) }) },
  responses: { 200: json(ExternalRefRecord, "The record"), ...problems(400, 404) },
});

export function lookupRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(lookup, async (c) => {
    const { system, id } = c.req.valid("query");
    return c.json(await lookupExternalRef(c.get("deps").db, system, id), 200);
  });
}
