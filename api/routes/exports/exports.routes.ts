import { createRoute, z } from "@hono/zod-openapi";
import { Country, problems } from "../../http/schemas.js";
import { CLAIMS_CSV_HEADER, GOVERNMENT_USES_CSV_HEADER } from "../../ledger/read/exports.js";
import { ClaimFilters } from "../claims/claims.routes.js";

const Year = z.coerce.number().int().min(1990).max(2100).optional();

const csv = (header: readonly string[], what: string) => ({
  description: `${what}. CSV (RFC 4180, CRLF), header: \`${header.join(",")}\``,
  content: { "text/csv": { schema: z.string() } },
});

export const claimsCsv = createRoute({
  method: "get",
  path: "/v1/exports/claims.csv",
  tags: ["Reports"],
  summary: "Voluntary claims on units of a host country's projects, one row per serial range (public)",
  description:
    "Filtered as `GET /v1/claims` is; `year` is the calendar year (UTC) the claim was made. Host countries use it to apply corresponding adjustments. A person beneficiary's name is left empty.",
  request: { query: z.object(ClaimFilters) },
  responses: { 200: csv(CLAIMS_CSV_HEADER, "The claims"), ...problems(400) },
});

export const governmentUsesCsv = createRoute({
  method: "get",
  path: "/v1/exports/government-uses.csv",
  tags: ["Reports"],
  summary: "A party's reports (NDC use, authorizations, corresponding adjustments), one row per serial range (public)",
  description: "`year` is the year the report is for.",
  request: { query: z.object({ party: Country.optional(), year: Year }) },
  responses: { 200: csv(GOVERNMENT_USES_CSV_HEADER, "The reports"), ...problems(400) },
});
