/** The driver's error behind a drizzle error (drizzle wraps it as `.cause`, on both drivers). */
export function pgError(error: unknown): { code?: string; constraint?: string } | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    if (
      typeof e === "object" &&
      e !== null &&
      "code" in e &&
      typeof e.code === "string" &&
      /^[0-9A-Z]{5}$/.test(e.code)
    ) {
      return e as { code: string; constraint?: string };
    }
    e = typeof e === "object" && e !== null && "cause" in e ? e.cause : undefined;
  }
  return undefined;
}

export function isConstraintViolation(error: unknown, constraint: string): boolean {
  return pgError(error)?.constraint === constraint;
}
