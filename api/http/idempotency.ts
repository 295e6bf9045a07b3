import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { rows, str } from "../../db/values.js";
import { canonicalJson } from "../ledger/canonical-json.js";
import { InvalidRequest, Unprocessable } from "../ledger/errors.js";
import { caller } from "./auth.js";
import type { AppEnv } from "./env.js";

class RollBack extends Error {}

async function requestHash(method: string, path: string, body: string): Promise<string> {
  let normal = body;
  try {
    normal = canonicalJson(JSON.parse(body));
  } catch {
    // Not JSON (a CSV import): the bytes themselves identify the request.
  }
  return createHash("sha256").update(`${method} ${path}\n${normal}`).digest("hex");
}

/**
 * `Idempotency-Key` on POST, scoped per API key. The key is claimed, the operation runs and its
 * answer is stored in one transaction, so a replay either finds the stored answer or waits for
 * the first attempt to finish; there is never a second execution of a committed operation.
 */
export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (c.req.method !== "POST" || key === undefined || !c.req.header("authorization")) return next();
    if (key.length < 1 || key.length > 255) {
      throw new InvalidRequest([{ path: "Idempotency-Key", message: "must be 1 to 255 characters" }]);
    }
    let apiKeyId: string;
    try {
      apiKeyId = (await caller(c)).key.id;
    } catch {
      return next();
    }
    const hash = await requestHash(c.req.method, c.req.path, await c.req.text());
    const deps = c.get("deps");
    const at = deps.clock().toISOString();
    let replay: Record<string, unknown> | undefined;
    try {
      await deps.db.transaction(async (tx) => {
        const claimed = await rows(
          tx,
          sql`INSERT INTO idempotency_keys (api_key_id, key, request_hash, status, content_type, body, created_at)
              VALUES (${apiKeyId}, ${key}, ${hash}, 0, '', '', ${at}) ON CONFLICT DO NOTHING RETURNING 1 AS claimed`,
        );
        if (claimed.length === 0) {
          [replay] = await rows(
            tx,
            sql`SELECT request_hash, status, content_type, body FROM idempotency_keys
                WHERE api_key_id = ${apiKeyId} AND key = ${key}`,
          );
          return;
        }
        c.set("deps", { ...deps, db: tx });
        await next();
        c.set("deps", deps);
        if (c.res.status >= 500) throw new RollBack();
        const body = await c.res.clone().text();
        await tx.execute(sql`
          UPDATE idempotency_keys SET status = ${c.res.status}, content_type = ${c.res.headers.get("content-type") ?? ""},
                 body = ${body} WHERE api_key_id = ${apiKeyId} AND key = ${key}`);
      });
    } catch (error) {
      c.set("deps", deps);
      if (!(error instanceof RollBack)) throw error;
      return;
    }
    if (!replay) return;
    if (str(replay.request_hash) !== hash) {
      throw new Unprocessable(
        "idempotency_key_reused",
        "This Idempotency-Key was already used with a different request; use a new key",
      );
    }
    const status = Number(replay.status) as ContentfulStatusCode;
    return c.body(str(replay.body), status, {
      "content-type": str(replay.content_type),
      "idempotent-replayed": "true",
    });
  };
}
