import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.js";
import { StateConflict } from "../../ledger/core/errors.js";
import * as routes from "./admin.routes.js";

export function adminRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.backup, async (c) => {
    const { backup, clock } = c.get("deps");
    if (!backup) {
      throw new StateConflict(
        "backup_by_pg_dump",
        "This service runs on a PostgreSQL server: back it up with pg_dump -Fc and restore with pg_restore",
      );
    }
    const archive = await backup();
    const name = `jcm-bridge-${clock().toISOString().replace(/[:.]/g, "-")}.tar.gz`;
    return c.body(archive.stream(), 200, {
      "content-type": "application/gzip",
      "content-disposition": `attachment; filename="${name}"`,
    });
  });
}
