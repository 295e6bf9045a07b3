import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import { bearer, body, IdempotencyHeaders, json, problems, SerialsList, Text } from "../../http/schemas.js";

export const GovernmentReport = z
  .object({
    id: z.string().openapi({ example: "rpt_01jd0k5x2m3n4p5q6r7s8t9v0w" }),
    party: z.string(),
    kind: z.enum(["ndc_use", "authorization", "corresponding_adjustment"]),
    year: z.number().int(),
    serials: z.array(z.string()),
    quantity: z.number().int(),
    reference: z.string(),
    journalSeq: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("GovernmentReport");

export const createReport = createRoute({
  method: "post",
  path: "/v1/government-reports",
  tags: ["Government reports"],
  summary: "Report NDC use, an authorization or a corresponding adjustment (government, as its own country)",
  middleware: requireRole("government"),
  security: bearer,
  request: {
    headers: IdempotencyHeaders,
    body: body(
      z
        .object({
          kind: z.enum(["ndc_use", "authorization", "corresponding_adjustment"]),
          year: z.number().int().min(1990).max(2100),
          serials: SerialsList,
          reference: Text(200).openapi({ example: "MN-LoA-2025-003" }),
        })
        .strict(),
    ),
  },
  responses: { 201: json(GovernmentReport, "The report"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});
