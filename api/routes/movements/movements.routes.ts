import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import {
  Allocate,
  bearer,
  body,
  ExternalRefs,
  IdempotencyHeaders,
  json,
  problems,
  SerialsList,
  Text,
} from "../../http/schemas.js";

export const Movement = z
  .object({
    id: z.string(),
    kind: z.enum(["deposit", "withdrawal", "transfer"]),
    serials: z.array(z.string()),
    quantity: z.number().int(),
    organizationId: z.string().nullable(),
    fromOrganizationId: z.string().nullable(),
    toOrganizationId: z.string().nullable(),
    registryReference: z.string().nullable(),
    externalRefs: z.array(z.object({ system: z.string(), id: z.string() })),
    journalSeq: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("Movement");

const OrgRef = z.string().min(1).max(64);
const RegistryReference = Text(200).openapi({ example: "JP-REG-2025-00042" });

export const createDeposit = createRoute({
  method: "post",
  path: "/v1/deposits",
  tags: ["Registry data"],
  summary: "Deposit units into the bridge for a company: in_registry → held (registry)",
  middleware: requireRole("registry"),
  security: bearer,
  request: {
    headers: IdempotencyHeaders,
    body: body(
      z
        .object({
          serials: SerialsList,
          organizationId: OrgRef,
          registryReference: RegistryReference,
          externalRefs: ExternalRefs.optional(),
        })
        .strict(),
    ),
  },
  responses: { 201: json(Movement, "The deposit"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

export const createWithdrawal = createRoute({
  method: "post",
  path: "/v1/withdrawals",
  tags: ["Registry data"],
  summary: "Return held units to the registry: held → in_registry (registry, or the holder itself)",
  middleware: requireRole("registry", "company"),
  security: bearer,
  request: {
    headers: IdempotencyHeaders,
    body: body(
      z
        .object({ serials: SerialsList, registryReference: RegistryReference, externalRefs: ExternalRefs.optional() })
        .strict(),
    ),
  },
  responses: { 201: json(Movement, "The withdrawal"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});

const TransferBody = z
  .xor(
    [
      z.object({ serials: SerialsList, toOrganizationId: OrgRef }).strict(),
      z.object({ allocate: Allocate, toOrganizationId: OrgRef }).strict(),
    ],
    { error: "give exactly one of serials or allocate, with toOrganizationId" },
  )
  .openapi("TransferRequest");

export const createTransfer = createRoute({
  method: "post",
  path: "/v1/transfers",
  tags: ["Holding and claiming"],
  summary: "Transfer held units to another company (company)",
  middleware: requireRole("company"),
  security: bearer,
  request: { headers: IdempotencyHeaders, body: body(TransferBody) },
  responses: { 201: json(Movement, "The transfer"), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
});
