import type { RouteHandler } from "@hono/zod-openapi";
import { actor } from "../../http/auth.js";
import type { AppEnv } from "../../http/env.js";
import { flattenIssues } from "../../http/validation.js";
import { issuancesFromCsv } from "../../import/issuance-csv.js";
import { type ErrorDetail, InvalidRequest } from "../../ledger/core/errors.js";
import * as issuances from "../../ledger/ops/issuances.js";
import { getIssuance as readIssuance } from "../../ledger/read/issuances.js";
import type * as routes from "./issuances.routes.js";
import { IssuanceBody } from "./issuances.routes.js";

export const createIssuance: RouteHandler<typeof routes.createIssuance, AppEnv> = async (c) => {
  return c.json(await issuances.createIssuance(c.get("deps"), actor(c), c.req.valid("json")), 201);
};

/** CSV rows go through the same schema as JSON ones, each error named by its line. */
export function csvImportRows(text: string): issuances.ImportRow[] {
  const parsed = issuancesFromCsv(text);
  if ("errors" in parsed) throw new InvalidRequest(parsed.errors);
  if (parsed.rows.length === 0) {
    throw new InvalidRequest([{ path: "line 2", line: 2, message: "the file has a header but no issuance" }]);
  }
  if (parsed.rows.length > 100_000) {
    throw new InvalidRequest([{ path: "body", message: "at most 100000 issuances per import" }]);
  }
  const errors: ErrorDetail[] = [];
  const list: issuances.ImportRow[] = [];
  parsed.rows.forEach((r, i) => {
    const result = IssuanceBody.safeParse(r.value);
    if (result.success) list.push({ row: i + 1, line: r.line, params: result.data });
    else {
      for (const e of flattenIssues(result.error.issues)) {
        errors.push({ path: `line ${r.line}`, line: r.line, row: i + 1, message: `${e.path}: ${e.message}` });
      }
    }
  });
  if (errors.length > 0) throw new InvalidRequest(errors);
  return list;
}

export const importIssuances: RouteHandler<typeof routes.importIssuances, AppEnv> = async (c) => {
  const type = c.req.header("content-type") ?? "";
  let list: issuances.ImportRow[];
  if (/^text\/csv\b/i.test(type)) list = csvImportRows(await c.req.text());
  else {
    const body: unknown = c.req.valid("json");
    if (typeof body !== "object" || body === null || !("issuances" in body) || !Array.isArray(body.issuances)) {
      throw new InvalidRequest([{ path: "body", message: "send JSON { issuances: [...] } or text/csv" }]);
    }
    const valid = body.issuances as issuances.IssuanceParams[];
    list = valid.map((params, i) => ({ row: i + 1, params }));
  }
  const imported = await issuances.importIssuances(c.get("deps"), actor(c), list);
  return c.json({ imported: imported.length, issuances: imported }, 201);
};

export const getIssuance: RouteHandler<typeof routes.getIssuance, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const page = { limit, cursor: cursor === undefined ? undefined : BigInt(cursor) };
  return c.json(await readIssuance(c.get("deps").db, c.req.valid("param").id, page), 200);
};
