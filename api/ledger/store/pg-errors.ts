import { findCause } from "../core/errors.js";

interface DriverError {
  code: string;
  constraint?: string;
}

/** The driver's error behind a drizzle error (drizzle wraps it as `.cause`, on both drivers). */
export function pgError(error: unknown): DriverError | undefined {
  return findCause(
    error,
    (e): e is DriverError =>
      typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code),
  );
}

export function isConstraintViolation(error: unknown, constraint: string): boolean {
  return pgError(error)?.constraint === constraint;
}
