import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import { bearer, json, Page, problems } from "../../http/schemas.js";

export const listHoldings = createRoute({
  method: "get",
  path: "/v1/holdings",
  tags: ["Holding and claiming"],
  summary: "The caller's held and tokenized units (company)",
  middleware: requireRole("company"),
  security: bearer,
  request: { query: Page },
  responses: {
    200: json(
      z.object({
        data: z.array(
          z.object({
            serials: z.string(),
            issuanceId: z.string(),
            quantity: z.number().int(),
            state: z.enum(["held", "tokenized"]),
            authorized: z.boolean(),
            correspondingAdjustment: z.boolean(),
          }),
        ),
        nextCursor: z.string().nullable(),
      }),
      "A page of holdings",
    ),
    ...problems(400, 401, 403),
  },
});
