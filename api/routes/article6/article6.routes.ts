import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import {
  bearer,
  body,
  Country,
  Cursor,
  IdempotencyHeaders,
  IsoDate,
  json,
  Limit,
  problems,
  SerialsList,
  Text,
} from "../../http/schemas.js";
import { FIRST_TRANSFER_DEFINITIONS, OIMP_PURPOSES, PURPOSES } from "../../ledger/core/authorization.js";
import { AEF_TABLE_NAMES, AEF_TABLES } from "../../ledger/read/aef-formats.js";
import { AEF_LIMITS } from "../../ledger/read/aef-types.js";

const ApproachId = z
  .string()
  .regex(/^CA[0-9]{4,8}$/, "must be a UNFCCC cooperative approach identifier: CA and 4 to 8 digits")
  .openapi({ example: "CA0001" });

export const CooperativeApproach = z
  .object({ partner: z.string(), id: z.string(), name: z.string(), updatedAt: z.string() })
  .openapi("CooperativeApproach");

export const putCooperativeApproach = createRoute({
  method: "put",
  path: "/v1/cooperative-approaches/{partner}",
  tags: ["Article 6.2"],
  summary: "Set the UNFCCC identifier of the cooperative approach between Japan and a partner country (admin)",
  middleware: requireRole("admin"),
  security: bearer,
  request: {
    headers: IdempotencyHeaders,
    params: z.object({ partner: Country }),
    body: body(z.object({ id: ApproachId, name: Text(200).openapi({ example: "JCM Japan–Mongolia" }) }).strict()),
  },
  responses: { 200: json(CooperativeApproach, "The approach"), ...problems(400, 401, 403, 409, 413, 415) },
});

export const listCooperativeApproaches = createRoute({
  method: "get",
  path: "/v1/cooperative-approaches",
  tags: ["Article 6.2"],
  summary: "The cooperative approaches of the JCM, one per partner country (public)",
  responses: { 200: json(z.object({ data: z.array(CooperativeApproach) }), "Every approach"), ...problems() },
});

const Terms = {
  date: IsoDate,
  cooperativeApproachId: z.string().nullable(),
  purposes: z.array(z.enum(PURPOSES)),
  oimpPurposes: z.array(z.enum(OIMP_PURPOSES)),
  authorizedParties: z.array(z.string()),
  authorizedEntities: z.array(z.string()),
  firstTransfer: z.enum(FIRST_TRANSFER_DEFINITIONS).nullable(),
  timeframe: z.object({ start: z.string(), end: z.string() }).nullable(),
  terms: z.string().nullable(),
  documentationUrl: z.string().nullable(),
  serials: z.array(z.string()),
  quantity: z.number().int(),
  journalSeq: z.number().int(),
  createdAt: z.string(),
};

const AuthorizationVersion = z.object({ version: z.number().int(), ...Terms }).openapi("AuthorizationVersion");

export const Authorization = z
  .object({
    id: z.string().openapi({ example: "auz_01jd0k5x2m3n4p5q6r7s8t9v0w" }),
    party: z.string(),
    reference: z.string(),
    organizationId: z.string(),
    version: z.number().int(),
    ...Terms,
    versions: z.array(AuthorizationVersion),
  })
  .openapi("Authorization", { description: "An authorization (AEF table 2): its latest version, and every version" });

const unique = <T extends z.ZodType>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .refine((list) => new Set(list).size === list.length, "must not repeat an entry");

export const createAuthorization = createRoute({
  method: "post",
  path: "/v1/authorizations",
  tags: ["Article 6.2"],
  summary: "Authorize units as ITMOs, or issue a new version of an authorization (government, as its own country)",
  middleware: requireRole("government"),
  security: bearer,
  request: {
    headers: IdempotencyHeaders,
    body: body(
      z
        .object({
          reference: Text(200).openapi({ example: "MN-LoA-2025-003" }),
          version: z.number().int().min(1).max(1000).optional(),
          date: IsoDate,
          cooperativeApproachId: ApproachId.optional(),
          purposes: unique(z.enum(PURPOSES), 3).min(1),
          oimpPurposes: unique(z.enum(OIMP_PURPOSES), 3).optional(),
          authorizedParties: unique(Country, 50).optional(),
          authorizedEntities: unique(z.string().min(1).max(64), 100).optional(),
          firstTransfer: z.enum(FIRST_TRANSFER_DEFINITIONS).optional(),
          timeframe: z.object({ start: IsoDate, end: IsoDate }).strict().optional(),
          terms: Text(2000).optional(),
          documentationUrl: z
            .url({ protocol: /^https?$/ })
            .max(500)
            .optional(),
          serials: SerialsList,
        })
        .strict(),
    ),
  },
  responses: { 201: json(Authorization, "The authorization"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

export const getAuthorization = createRoute({
  method: "get",
  path: "/v1/authorizations/{id}",
  tags: ["Article 6.2"],
  summary: "An authorization, its versions and its units (public)",
  request: { params: z.object({ id: z.string().max(64) }) },
  responses: { 200: json(Authorization, "The authorization"), ...problems(404) },
});

export const listAuthorizations = createRoute({
  method: "get",
  path: "/v1/authorizations",
  tags: ["Article 6.2"],
  summary: "Authorizations of a Party, newest first (public); `year`: a version is dated in that year",
  request: {
    query: z.object({
      party: Country.optional(),
      year: z.coerce.number().int().min(1990).max(2100).optional(),
      limit: Limit,
      cursor: Cursor,
    }),
  },
  responses: {
    200: json(
      z.object({ data: z.array(Authorization), nextCursor: z.string().nullable() }),
      "A page of authorizations",
    ),
    ...problems(400),
  },
});

const AefCell = z.union([z.string(), z.number(), z.null()]);
const aefTable = (table: (typeof AEF_TABLE_NAMES)[number]) =>
  z.object(Object.fromEntries(AEF_TABLES[table].columns.map(([key]) => [key, AefCell])));

export const Aef = z
  .object({
    submission: aefTable("submission"),
    authorizations: z.array(aefTable("authorizations")),
    actions: z.array(aefTable("actions")),
    holdings: z.array(aefTable("holdings")),
    authorizedEntities: z.array(aefTable("authorizedEntities")),
  })
  .openapi("Aef", {
    description:
      "The Agreed Electronic Format (decision 4/CMA.6, annex II) of one Party and year: submission, authorizations, actions, holdings at 31 December, authorized entities",
  });

export const getAef = createRoute({
  method: "get",
  path: "/v1/article6/aef",
  tags: ["Article 6.2"],
  summary: "A Party's Article 6.2 report for a year in the Agreed Electronic Format, derived from the journal (public)",
  description: `\`format=json\` (default) all five tables; \`format=xlsx\` a workbook with one sheet per table, columns in AEF order; \`format=csv&table=actions\` one table. At most ${AEF_LIMITS.actions} action rows (more: 422 \`answer_too_large\`).`,
  request: {
    query: z.object({
      party: Country,
      year: z.coerce.number().int().min(2021).max(2100),
      format: z.enum(["json", "xlsx", "csv"]).default("json"),
      table: z.enum(AEF_TABLE_NAMES as [string, ...string[]]).optional(),
    }),
  },
  responses: {
    200: {
      description: "The report",
      content: {
        "application/json": { schema: Aef },
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
          schema: { type: "string", format: "binary" },
        },
        "text/csv": { schema: z.string() },
      },
    },
    ...problems(400, 422),
  },
});
