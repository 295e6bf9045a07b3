import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type ErrorDetail, InvalidRequest } from "../ledger/core/errors.js";

type Issue = z.core.$ZodIssue;

function pathOf(prefix: readonly PropertyKey[], issue: Issue): string {
  return [...prefix, ...issue.path].map(String).join(".");
}

/** An issue that says the input has a key the branch does not know: it is another branch's input. */
function structural(issue: Issue): boolean {
  return issue.code === "unrecognized_keys";
}

/**
 * Flattens zod issues. A union reports the issues of the one branch that knows every key of the
 * input (a claim with `serials` but no `purpose` is told that `purpose` is missing); where none or
 * several do (both `serials` and `allocate`, or neither), the union's own message says what to give.
 */
export function flattenIssues(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): ErrorDetail[] {
  return issues.flatMap((issue) => {
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const fitting = issue.errors.filter((branch) => !branch.some(structural));
      const [only] = fitting;
      if (fitting.length === 1 && only) return flattenIssues(only, [...prefix, ...issue.path]);
    }
    return [{ path: pathOf(prefix, issue) || "body", message: issue.message }];
  });
}

export function validationHook(result: { success: boolean; error?: z.ZodError; target?: string }, _c: Context): void {
  if (!result.success && result.error) {
    const errors = flattenIssues(result.error.issues).map((e) =>
      e.path === "body" && result.target && result.target !== "json" ? { ...e, path: result.target } : e,
    );
    throw new InvalidRequest(errors);
  }
}
