import { setImmediate as yieldToLoop } from "node:timers/promises";
import { stringify } from "csv-stringify/sync";
import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, bool, date, day, type Row, rows, str, strOrNull } from "../../../db/values.js";
import { formatSerials } from "../core/serials.js";
import { type ClaimFilter, claimConditions } from "../ops/claims.js";

/**
 * CSV reports for governments and registries. One row per claimed (or reported) serial range, so
 * a host country sees exactly which units its corresponding adjustments must cover. A report is
 * streamed a page of records at a time: however large it is, each read and what is held in
 * memory stay small.
 */
export const CLAIMS_CSV_HEADER = [
  "claim_id",
  "claimed_at",
  "claimant_id",
  "claimant_name",
  "beneficiary_name",
  "beneficiary_country",
  "claim_type",
  "purpose",
  "period_start",
  "period_end",
  "serials",
  "quantity",
  "project_ref",
  "host_country",
  "registry",
  "vintage",
  "authorized",
  "corresponding_adjustment",
  "tx_hash",
  "beneficiary_kind",
  "beneficiary_legal_id",
  "reason",
  "framework",
  "framework_tier",
  "framework_operator",
  "reporting_year",
  "scopes",
  "notes",
] as const;

export const GOVERNMENT_USES_CSV_HEADER = [
  "report_id",
  "reported_at",
  "party",
  "kind",
  "year",
  "reference",
  "serials",
  "quantity",
  "project_ref",
  "host_country",
  "registry",
  "vintage",
] as const;

/**
 * Text a spreadsheet may run as a formula: it starts with = + - @, a tab or carriage return, their
 * fullwidth forms (which Japanese spreadsheets read as the ASCII ones), or an invisible character
 * (zero-width, bidi control, byte-order mark) that hides one of those behind it.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/;

const CSV_OPTIONS = {
  record_delimiter: "windows",
  // A line break inside an unquoted cell would start a new row in a spreadsheet.
  quoted_match: /[\r\n]/,
  cast: {
    boolean: (b: boolean) => String(b),
    string: (text: string) => (FORMULA_START.test(text) ? `'${text}` : text),
  },
} as const;

type CsvCells = readonly (string | number | boolean | null)[];

/** CSV rows (csv-stringify, RFC 4180 with CRLF), text a spreadsheet would run as a formula defused. */
export function csvLines(rows: readonly CsvCells[]): string {
  return stringify(
    rows.map((cells) => [...cells]),
    CSV_OPTIONS,
  );
}

/** The columns every report row shares: one serial range of one issuance. */
function rangeCells(r: Row): (string | number)[] {
  const start = big(r.lo);
  const end = big(r.hi);
  const ident = { registry: str(r.registry), project: str(r.project_ref), vintage: Number(r.vintage) };
  return [
    formatSerials({ ...ident, start, end }),
    Number(end - start + 1n),
    ident.project,
    str(r.host_country),
    ident.registry,
    ident.vintage,
  ];
}

/** Claims or reports per page of an export: each page is one bounded read, with the event loop free between pages. */
export const EXPORT_PAGE = 100;

/**
 * The lines of a report, page by page: `page(after)` reads the rows of the next records (records
 * ordered by id, at most `EXPORT_PAGE` of them, with every row of each) and says where it stopped.
 */
async function* paged(
  header: readonly string[],
  page: (after: string) => Promise<{ rows: Row[]; last: string | undefined }>,
  line: (r: Row) => (string | number | boolean | null)[],
): AsyncGenerator<string> {
  yield csvLines([header]);
  let after = "";
  for (;;) {
    const { rows: found, last } = await page(after);
    // One stringify per page of records, not per row.
    if (found.length > 0) yield csvLines(found.map(line));
    if (last === undefined) return;
    after = last;
    await yieldToLoop();
  }
}

/**
 * Voluntary claims on units, one row per claimed range, oldest claim first, streamed a page of
 * claims at a time; filtered as the claim list is. A person's name is left out (`beneficiary_name`
 * empty): a bulk file is not where a person's retirement is published.
 */
export function claimsCsv(db: Db, f: Omit<ClaimFilter, "txHash">, pageSize = EXPORT_PAGE): AsyncGenerator<string> {
  return paged(
    CLAIMS_CSV_HEADER,
    async (after) => {
      const claims = await rows(
        db,
        sql`SELECT c.id FROM claims c
            WHERE c.id > ${after} AND ${sql.join(claimConditions(f), sql` AND `)}
            ORDER BY c.id LIMIT ${pageSize + 1}`,
      );
      const ids = claims.slice(0, pageSize).map((r) => str(r.id));
      const found = await rows(
        db,
        sql`SELECT c.id, c.created_at, c.claimant_id, o.name AS claimant_name, c.beneficiary_name, c.beneficiary_country,
                   c.claim_type, c.purpose, c.period_start, c.period_end, c.tx_hash, c.beneficiary_kind,
                   c.beneficiary_legal_id, c.reason, c.framework, c.framework_tier, c.framework_operator,
                   c.reporting_year, c.scopes, c.notes,
                   lower(s.serials)::text AS lo, (upper(s.serials) - 1)::text AS hi,
                   s.authorization_id IS NOT NULL AS authorized, s.corresponding_adjustment,
                   i.registry, i.project_ref, i.vintage, p.host_country
            FROM claims c
            JOIN organizations o ON o.id = c.claimant_id
            JOIN segments s ON s.claim_id = c.id
            JOIN issuances i ON i.id = s.issuance_id
            JOIN projects p ON p.ref = i.project_ref
            WHERE c.id = ANY(${arrayParam(ids, "text")})
              AND (${f.hostCountry ?? null}::text IS NULL OR p.host_country = ${f.hostCountry ?? null})
            ORDER BY c.id, i.id, lower(s.serials)`,
      );
      return { rows: found, last: claims.length > pageSize ? ids.at(-1) : undefined };
    },
    (r) => [
      str(r.id),
      date(r.created_at).toISOString(),
      str(r.claimant_id),
      str(r.claimant_name),
      r.beneficiary_kind === "person" ? null : str(r.beneficiary_name),
      str(r.beneficiary_country),
      str(r.claim_type),
      str(r.purpose),
      day(r.period_start),
      day(r.period_end),
      ...rangeCells(r),
      bool(r.authorized),
      bool(r.corresponding_adjustment),
      strOrNull(r.tx_hash),
      str(r.beneficiary_kind),
      strOrNull(r.beneficiary_legal_id),
      strOrNull(r.reason),
      strOrNull(r.framework),
      strOrNull(r.framework_tier),
      strOrNull(r.framework_operator),
      r.reporting_year === null ? null : Number(r.reporting_year),
      Array.isArray(r.scopes) ? r.scopes.join(";") : null,
      strOrNull(r.notes),
    ],
  );
}

/** A party's reports, one row per range, oldest first, streamed a page of reports at a time. */
export function governmentUsesCsv(
  db: Db,
  f: { party?: string | undefined; year?: number | undefined },
  pageSize = EXPORT_PAGE,
): AsyncGenerator<string> {
  return paged(
    GOVERNMENT_USES_CSV_HEADER,
    async (after) => {
      const reports = await rows(
        db,
        sql`SELECT r.id FROM government_reports r
            WHERE r.id > ${after}
              AND (${f.party ?? null}::text IS NULL OR r.party = ${f.party ?? null})
              AND (${f.year ?? null}::int IS NULL OR r.year = ${f.year ?? null})
            ORDER BY r.id LIMIT ${pageSize + 1}`,
      );
      const ids = reports.slice(0, pageSize).map((r) => str(r.id));
      const found = await rows(
        db,
        sql`SELECT r.id, r.created_at, r.party, r.kind, r.year, r.reference,
                   lower(j.serials)::text AS lo, (upper(j.serials) - 1)::text AS hi,
                   i.registry, i.project_ref, i.vintage, p.host_country
            FROM government_reports r
            JOIN journal_ranges j ON j.seq = r.journal_seq
            JOIN issuances i ON i.id = j.issuance_id
            JOIN projects p ON p.ref = i.project_ref
            WHERE r.id = ANY(${arrayParam(ids, "text")})
            ORDER BY r.id, i.id, lower(j.serials)`,
      );
      return { rows: found, last: reports.length > pageSize ? ids.at(-1) : undefined };
    },
    (r) => [
      str(r.id),
      date(r.created_at).toISOString(),
      str(r.party),
      str(r.kind),
      Number(r.year),
      str(r.reference),
      ...rangeCells(r),
    ],
  );
}
