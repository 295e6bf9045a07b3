import { createRoute } from "@hono/zod-openapi";
import { requireRole } from "../../http/auth.js";
import { bearer, problems } from "../../http/schemas.js";

export const backup = createRoute({
  method: "get",
  path: "/v1/admin/backup",
  tags: ["Organizations and keys"],
  summary: "A backup of the embedded database, taken while the server runs (admin)",
  description:
    "The whole database directory as a gzipped tar, the committed state at one instant; `npm run cli -- restore <file>` restores it into an empty DATA_DIR. On PostgreSQL, back up with `pg_dump -Fc` instead (409).",
  middleware: requireRole("admin"),
  security: bearer,
  responses: {
    200: {
      description: "The backup",
      content: { "application/gzip": { schema: { type: "string", format: "binary" } } },
    },
    ...problems(401, 403, 409),
  },
});
