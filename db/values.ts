import { createHash } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";

/**
 * Helpers for raw SQL shared by both drivers. Arrays travel as one PostgreSQL array literal
 * parameter (drizzle would otherwise expand a JS array into a parameter list), and values read
 * back are normalised because PGlite and node-postgres decode int8 and dates differently.
 */
const NEEDS_ESCAPE = /[\\"]/;

function quoteElement(value: string | bigint | number | boolean | null): string {
  if (value === null) return "NULL";
  if (typeof value !== "string") return String(value);
  // Bulk imports quote hundreds of thousands of elements, nearly all without a character to escape.
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
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

/** What `db.execute` itself uses of a drizzle database or transaction, reached to pass a statement name. */
interface DrizzleInternals {
  dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
  session: {
    prepareQuery(
      query: { sql: string; params: unknown[] },
      fields: undefined,
      name: string,
      isResponseInArrayMode: boolean,
    ): { execute(): Promise<unknown> };
  };
}

const statementNames = new Map<string, string>();

/**
 * `rows()` for the hot paths: on PostgreSQL the statement is prepared once per connection under a
 * name derived from its text, so it is not parsed and planned again on every call (planning cost
 * more than running these short lookups). The text must not vary with the data: values travel as
 * parameters, arrays as one array parameter. PGlite runs it as an ordinary statement.
 */
export async function preparedRows(db: object, query: SQL): Promise<Row[]> {
  const { dialect, session } = db as DrizzleInternals;
  const built = dialect.sqlToQuery(query);
  let name = statementNames.get(built.sql);
  if (!name) {
    name = `jcm_${createHash("sha256").update(built.sql).digest("hex").slice(0, 24)}`;
    statementNames.set(built.sql, name);
  }
  const result = (await session.prepareQuery(built, undefined, name, false).execute()) as { rows: Row[] };
  return result.rows;
}

/**
 * A write of a `writeTogether` that later writes of it wait for: they put `after(name)` in their
 * WHERE. It must end in `RETURNING`.
 */
export interface NamedWrite {
  name: string;
  statement: SQL;
}

/**
 * The condition that write `name` has run to completion: it is an init plan, computed before the
 * write that tests it produces its first row. Exclusion constraints are checked row by row, so a
 * write that puts back rows where another removes them must come after it.
 */
export function after(name: string): SQL {
  return sql`(SELECT count(*) FROM ${sql.raw(name)}) >= 0`;
}

/**
 * Runs INSERT/UPDATE/DELETE statements in one round trip, as data-modifying CTEs of a single
 * statement. They share one snapshot, so none may read another's effect; one that must follow
 * another's names it with `after`.
 */
export async function writeTogether(db: object, statements: readonly (SQL | NamedWrite)[]): Promise<void> {
  if (statements.length === 0) return;
  const parts = statements.map((s, i) =>
    "statement" in s ? sql`${sql.raw(s.name)} AS (${s.statement})` : sql`${sql.raw(`w${i}`)} AS (${s})`,
  );
  await preparedRows(db, sql`WITH ${sql.join(parts, sql`, `)} SELECT 1`);
}

/**
 * Several queries in one round trip, each one's rows as a JSON array: values arrive as JSON has
 * them (text, numbers, booleans, objects), so a query casts to text whatever must stay exact.
 */
export async function readTogether<K extends string>(db: object, queries: Record<K, SQL>): Promise<Record<K, Row[]>> {
  const names = Object.keys(queries) as K[];
  const columns = names.map(
    (name) => sql`(SELECT coalesce(json_agg(x), '[]'::json) FROM (${queries[name]}) x) AS ${sql.identifier(name)}`,
  );
  const [row] = await preparedRows(db, sql`SELECT ${sql.join(columns, sql`, `)}`);
  const read = {} as Record<K, Row[]>;
  for (const name of names) {
    const value = row?.[name];
    read[name] = (typeof value === "string" ? JSON.parse(value) : value) as Row[];
  }
  return read;
}
