import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import { bearer, body, Country, IdempotencyHeaders, json, problems, Text } from "../../http/schemas.js";

export const Organization = z
  .object({
    id: z.string().openapi({ example: "org_01jd0k5x2m3n4p5q6r7s8t9v0w" }),
    name: z.string(),
    role: z.enum(["admin", "registry", "government", "company"]),
    country: z.string().nullable(),
    walletAddress: z.string().nullable(),
    registries: z.array(z.string()).openapi({
      description: "The registry codes a registry organization operates (empty for other roles)",
      example: ["JP", "MN"],
    }),
    createdAt: z.string(),
  })
  .openapi("Organization");

const Registries = z
  .array(Country)
  .min(1)
  .max(50)
  .openapi({
    description:
      "The registry codes a registry organization operates: issuances, imports, deposits and withdrawals of units of any other registry are refused with 403. Default: its country.",
    example: ["JP", "MN"],
  });

const OrganizationBody = z
  .object({
    name: Text(200),
    role: z.enum(["registry", "government", "company", "admin"]),
    country: Country.optional(),
    walletAddress: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 20-byte hex address 0x…")
      .optional(),
    registries: Registries.optional(),
  })
  .strict();

const OrgId = z.object({ id: z.string().min(1).max(64) });

export const createOrganization = createRoute({
  method: "post",
  path: "/v1/organizations",
  tags: ["Organizations and keys"],
  summary: "Create an organization (admin)",
  middleware: requireRole("admin"),
  security: bearer,
  request: { headers: IdempotencyHeaders, body: body(OrganizationBody) },
  responses: { 201: json(Organization, "The organization"), ...problems(400, 401, 403, 413, 415, 422) },
});

export const updateOrganization = createRoute({
  method: "patch",
  path: "/v1/organizations/{id}",
  tags: ["Organizations and keys"],
  summary: "Change the registries a registry organization operates (admin)",
  middleware: requireRole("admin"),
  security: bearer,
  request: { params: OrgId, body: body(z.object({ registries: Registries }).strict()) },
  responses: { 200: json(Organization, "The organization as changed"), ...problems(400, 401, 403, 404, 409, 413, 415) },
});

export const getOrganization = createRoute({
  method: "get",
  path: "/v1/organizations/{id}",
  tags: ["Organizations and keys"],
  summary: "Read an organization (admin, or the organization itself)",
  middleware: requireRole(),
  security: bearer,
  request: { params: OrgId },
  responses: { 200: json(Organization, "The organization"), ...problems(401, 403, 404) },
});

export const createKey = createRoute({
  method: "post",
  path: "/v1/organizations/{id}/keys",
  tags: ["Organizations and keys"],
  summary: "Issue an API key for an organization (admin); the secret is shown once",
  middleware: requireRole("admin"),
  security: bearer,
  request: {
    params: OrgId,
    headers: IdempotencyHeaders,
    body: {
      required: false,
      content: { "application/json": { schema: z.object({ label: Text(200).optional() }).strict() } },
    },
  },
  responses: {
    201: json(
      z.object({
        id: z.string(),
        key: z.string().nullable().openapi({
          description: "The secret, in the first answer only: a replay under the same Idempotency-Key answers `null`",
        }),
        label: z.string().nullable(),
        organizationId: z.string(),
        createdAt: z.string(),
        secretShown: z.literal(false).optional().openapi({ description: "Present, false, in a replay" }),
        note: z.string().optional(),
      }),
      "The new key; `key` is never shown again",
    ),
    ...problems(400, 401, 403, 404, 409, 415, 422),
  },
});

export const revokeKey = createRoute({
  method: "delete",
  path: "/v1/keys/{id}",
  tags: ["Organizations and keys"],
  summary: "Revoke an API key (admin, or the key's organization); it stops working at once",
  middleware: requireRole(),
  security: bearer,
  request: { params: OrgId },
  responses: { 204: { description: "Revoked" }, ...problems(401, 403, 404) },
});

export const me = createRoute({
  method: "get",
  path: "/v1/me",
  tags: ["Organizations and keys"],
  summary: "The caller's organization and key",
  middleware: requireRole(),
  security: bearer,
  responses: {
    200: json(
      z.object({ organization: Organization, key: z.object({ id: z.string(), label: z.string().nullable() }) }),
      "The caller",
    ),
    ...problems(401),
  },
});
