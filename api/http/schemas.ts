import { z } from "@hono/zod-openapi";
import { MAX_SERIALS_LENGTH } from "../ledger/core/serials.js";

/** Pieces shared by many routes. Every string, array and number is bounded. */
export const Country = z
  .string()
  .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code in capitals, e.g. JP")
  .openapi({ example: "JP" });

/** PostgreSQL has no year 0, and a date of the year 0000 is no date of a JCM credit. */
export const IsoDate = z.iso
  .date("must be a date YYYY-MM-DD")
  .refine((d) => !d.startsWith("0000"), "must be a date of the years 0001 to 9999")
  .openapi({ example: "2025-01-01" });

export const SerialString = z
  .string()
  .min(1)
  .max(MAX_SERIALS_LENGTH)
  .openapi({ example: "JCM-JP-MN006-2020-1001-1500", description: "A canonical serial range" });

export const SerialsList = z.array(SerialString).min(1).max(1000);

export const Allocate = z
  .object({
    issuanceId: z.string().max(40).openapi({ example: "iss_1" }),
    quantity: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  })
  .strict()
  .openapi("Allocate", { description: "The caller's lowest-numbered held units of that issuance" });

/** Free text. Text the database cannot store is refused for every field at once, in `http/text.ts`. */
export const Text = (max: number) => z.string().trim().min(1).max(max);

/** A system's name in a reference: lower case, short, stable (`jcm-registry-jp`). */
export const RefSystem = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be 1-64 lower-case letters, digits, dots, dashes or underscores")
  .openapi({ example: "jcm-registry-jp" });

export const ExternalRefs = z
  .array(z.object({ system: RefSystem, id: Text(200).openapi({ example: "TX-2025-000123" }) }).strict())
  .max(10)
  .openapi("ExternalRefs", {
    description: "The record's references in other systems (a registry's transaction number): unique per system",
  });

export const Limit = z.coerce.number().int().min(1).max(500).default(50).openapi({ example: 50 });
export const Cursor = z.string().min(1).max(200).optional();
/** A cursor that is a position (a sequence number, a serial): digits only. */
export const NumericCursor = z
  .string()
  .regex(/^[0-9]{1,16}$/)
  .optional();
export const Page = z.object({ limit: Limit, cursor: Cursor });

export const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: "Replays return the first answer; a different body under the same key is refused" }),
});

export const ErrorItem = z.object({ path: z.string(), message: z.string() }).passthrough();
export const ConflictItem = z
  .object({
    serials: z.string(),
    state: z.string(),
    holder: z.string().nullable().optional(),
    claimId: z.string().nullable().optional(),
    reportId: z.string().nullable().optional(),
    tokenId: z.string().nullable().optional(),
    authorized: z.boolean().optional(),
    authorizationId: z.string().nullable().optional(),
    firstTransferred: z.boolean().optional(),
    correspondingAdjustment: z.boolean().optional(),
    reason: z.string().optional(),
  })
  .passthrough();

/** The ITMO unique identifiers (decision 6/CMA.4, annex I) of a block's first and last unit. */
export const ItmoBlock = z
  .object({
    firstId: z.string().openapi({ example: "CA0001-JP-MN-2020-MN006-1" }),
    lastId: z.string().openapi({ example: "CA0001-JP-MN-2020-MN006-100" }),
  })
  .openapi("ItmoBlock");

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string(),
    errors: z.array(ErrorItem).optional(),
    conflicts: z.array(ConflictItem).optional(),
  })
  .passthrough()
  .openapi("Problem");

const problemContent = { "application/problem+json": { schema: ProblemSchema } };

const DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request (`invalid_request`, with `errors`)",
  401: "Missing or invalid API key",
  403: "Valid key, wrong role or not the owner",
  404: "Not found",
  409: "Conflict with the ledger (with `conflicts` where units are involved)",
  413: "Request body too large",
  415: "Unsupported media type",
  422: "Unprocessable (e.g. `idempotency_key_reused`)",
  429: "Too many requests (`rate_limited`, with `Retry-After`)",
  503: "The database is unavailable or busy (`service_unavailable`, with `Retry-After`)",
};

/**
 * Problem responses for the given statuses, for a route's `responses`. Every route may also answer
 * 429 (public reads per address, failed authentications) and 503 (database away or busy).
 */
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    [...new Set([...statuses, 429, 503])].map((s) => [
      s,
      { description: DESCRIPTIONS[s] ?? "Error", content: problemContent },
    ]),
  ) as Record<number, { description: string; content: typeof problemContent }>;
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function body<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

export const bearer = [{ bearerAuth: [] }];
