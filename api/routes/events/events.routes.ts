import { createRoute, z } from "@hono/zod-openapi";
import { Country, NumericCursor, problems } from "../../http/schemas.js";
import { EVENT_TYPE_NAMES } from "../../ledger/journal/events.js";
import { EVENTS_SCAN } from "../../ledger/read/events.js";

const EventTypes = z
  .string()
  .max(1000)
  .transform((text, ctx) => {
    const types = text
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    const unknown = types.filter((t) => !(EVENT_TYPE_NAMES as string[]).includes(t));
    if (unknown.length > 0) {
      ctx.addIssue({ code: "custom", message: `unknown event types: ${unknown.join(", ")}` });
      return z.NEVER;
    }
    return types as typeof EVENT_TYPE_NAMES;
  })
  .openapi({
    type: "string",
    description: `Comma-separated: ${EVENT_TYPE_NAMES.join(", ")}`,
    example: "claim.created",
  });

export const LedgerEvent = z
  .object({
    id: z.string().openapi({ example: "evt_1042", description: "Stable: the same in the feed and in webhooks" }),
    type: z.enum(EVENT_TYPE_NAMES),
    seq: z.number().int().openapi({ description: "The journal entry's number: the feed's cursor" }),
    at: z.string(),
    serials: z.array(z.string()),
    hash: z.string(),
    prevHash: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("LedgerEvent");

export const EventQuery = z.object({
  after: NumericCursor.openapi({
    description: "The `seq` of the last event seen (or `nextCursor`); from the start if absent",
  }),
  types: EventTypes.optional(),
  registry: Country.optional().openapi({ description: "Events on units of this registry" }),
  hostCountry: Country.optional(),
  projectRef: z.string().max(16).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const listEvents = createRoute({
  method: "get",
  path: "/v1/events",
  tags: ["Events and webhooks"],
  summary: "Every change of the ledger as a typed event, oldest first, from a cursor (public)",
  description: `The journal's sealed entries (final, never reordered) as events. Continue from \`nextCursor\`; \`caughtUp\` says there is nothing newer yet. An answer looks at ${EVENTS_SCAN.toLocaleString("en")} journal numbers at most. With \`Accept: text/event-stream\` the same feed streams as Server-Sent Events (\`id\` is the \`seq\`, \`Last-Event-ID\` resumes, a \`heartbeat\` event while nothing happens).`,
  request: { query: EventQuery },
  responses: {
    200: {
      description: "A page of events, or the stream",
      content: {
        "application/json": {
          schema: z.object({ data: z.array(LedgerEvent), nextCursor: z.string(), caughtUp: z.boolean() }),
        },
        "text/event-stream": { schema: z.string() },
      },
    },
    ...problems(400),
  },
});
