import { type SQL, sql } from "drizzle-orm";

/**
 * Helpers for raw SQL shared by both drivers. Arrays travel as one PostgreSQL array literal
 * parameter (drizzle would otherwise expand a JS array into a parameter list), and values read
 * back are normalised because PGlite and node-postgres decode int8 and dates differently.
 */
function quoteElement(value: string | bigint | number | boolean | null): string {
  if (value === null) return "NULL";
  if (typeof value !== "string") return String(value);
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function pgArray(values: readonly (string | bigint | number | boolean | null)[]): string {
  return `{${values.map(quoteElement).join(",")}}`;
}

export function arrayParam(values: readonly (string | bigint | number | boolean | null)[], type: string): SQL {
  return sql`${pgArray(values)}::${sql.raw(type)}[]`;
}

export function big(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" || typeof value === "string") return BigInt(value);
  throw new TypeError(`expected an integer, got ${typeof value}`);
}

export function str(value: unknown): string {
  if (typeof value === "string") return value;
  throw new TypeError(`expected a string, got ${typeof value}`);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : str(value);
}

export function bool(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (value === "t" || value === "true") return true;
  if (value === "f" || value === "false") return false;
  throw new TypeError(`expected a boolean, got ${typeof value}`);
}

export function date(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string") {
    // PostgreSQL prints "2026-11-22 05:09:58.441+00"; make it ISO so every runtime parses it.
    const iso = value.includes("T") ? value : value.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00");
    const d = new Date(iso);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new TypeError(`expected a timestamp, got ${String(value)}`);
}

/** A `date` column as YYYY-MM-DD. */
export function day(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return str(value).slice(0, 10);
}

export type Row = Record<string, unknown>;

/** Runs a statement on either driver and returns its rows. */
export async function rows(db: { execute(query: SQL): PromiseLike<unknown> }, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as { rows: Row[] };
  return result.rows;
}
