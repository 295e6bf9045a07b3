import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { rows, str } from "../../db/values.js";
import { InvalidRequest, StateConflict, Unprocessable } from "../ledger/core/errors.js";
import { canonicalJson } from "../ledger/journal/canonical-json.js";
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

/** Undoes what a refused request wrote, keeping the transaction that stores its answer. */
class Refused extends Error {}

/**
 * `Idempotency-Key` on POST, scoped per API key. The key is claimed, the operation runs and its
 * answer is stored in one transaction, so a replay either finds the stored answer or waits for
 * the first attempt to finish; there is never a second execution of a committed operation.
 * The operation runs in a savepoint: a refusal (4xx) rolls back whatever it wrote or whatever
 * statement of it failed, and its answer is still stored; a failure (5xx) stores nothing.
 * A route whose answer holds a secret stores another answer instead (`storedAnswer`).
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
            sql`SELECT i.request_hash, i.status, i.content_type, i.body, k.revoked_at AS created_key_revoked_at
                FROM idempotency_keys i LEFT JOIN api_keys k ON k.id = i.created_key_id
                WHERE i.api_key_id = ${apiKeyId} AND i.key = ${key}`,
          );
          return;
        }
        try {
          await tx.transaction(async (savepoint) => {
            c.set("deps", { ...deps, db: savepoint });
            await next();
            if (c.res.status >= 400) throw new Refused();
          });
        } catch (error) {
          if (!(error instanceof Refused)) throw error;
        } finally {
          c.set("deps", deps);
        }
        if (c.res.status >= 500) throw new RollBack();
        const stored = c.get("storedAnswer");
        await tx.execute(sql`
          UPDATE idempotency_keys SET status = ${c.res.status}, content_type = ${c.res.headers.get("content-type") ?? ""},
                 body = ${stored?.body ?? (await c.res.clone().text())}, created_key_id = ${stored?.createdKeyId ?? null}
          WHERE api_key_id = ${apiKeyId} AND key = ${key}`);
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
    if (replay.created_key_revoked_at !== null && replay.created_key_revoked_at !== undefined) {
      throw new StateConflict(
        "key_revoked",
        "The API key this request created has been revoked since; ask for a new key with a new Idempotency-Key",
      );
    }
    const status = Number(replay.status) as ContentfulStatusCode;
    return c.body(str(replay.body), status, {
      "content-type": str(replay.content_type),
      "idempotent-replayed": "true",
    });
  };
}
