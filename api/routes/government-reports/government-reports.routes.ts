import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import { bearer, body, Country, IdempotencyHeaders, json, problems, SerialsList, Text } from "../../http/schemas.js";
import { CONSISTENCY_FINDINGS } from "../../ledger/core/authorization.js";
import { REPORT_KINDS } from "../../ledger/ops/reports.js";

export const GovernmentReport = z
  .object({
    id: z.string().openapi({ example: "rpt_01jd0k5x2m3n4p5q6r7s8t9v0w" }),
    party: z.string(),
    kind: z.enum(REPORT_KINDS),
    year: z.number().int(),
    serials: z.array(z.string()),
    quantity: z.number().int(),
    reference: z.string(),
    journalSeq: z.number().int(),
    createdAt: z.string(),
    acquiringParty: z.string().optional(),
    purpose: z.enum(["voluntary", "omge"]).optional(),
    authorizationId: z.string().optional().openapi({ description: "`authorization`: the authorization record made" }),
    consistency: z.array(z.enum(CONSISTENCY_FINDINGS)).optional().openapi({
      description:
        "`ndc_use` by Japan: what the UNFCCC's consistency checks would find missing (units not authorized for NDC use, not first transferred); empty when nothing is",
    }),
  })
  .openapi("GovernmentReport");

export const createReport = createRoute({
  method: "post",
  path: "/v1/government-reports",
  tags: ["Government reports"],
  summary:
    "Report NDC use, an authorization, a first transfer, a cancellation or a corresponding adjustment (government, as its own country)",
  middleware: requireRole("government"),
  security: bearer,
  request: {
    headers: IdempotencyHeaders,
    body: body(
      z
        .object({
          kind: z.enum(REPORT_KINDS),
          year: z.number().int().min(1990).max(2100),
          serials: SerialsList,
          reference: Text(200).openapi({ example: "MN-LoA-2025-003" }),
          acquiringParty: Country.optional().openapi({ description: "`first_transfer`: the acquiring Party, JP" }),
          purpose: z.enum(["voluntary", "omge"]).optional().openapi({ description: "`cancellation`: its purpose" }),
        })
        .strict(),
    ),
  },
  responses: { 201: json(GovernmentReport, "The report"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});
