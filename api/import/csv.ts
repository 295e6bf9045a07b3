import { CsvError, parse } from "csv-parse/sync";

/** CSV records with the line each starts on, read by csv-parse (RFC 4180, any line ending, a BOM). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Our words for the faults a registry's spreadsheet export is likely to have. */
const FAULTS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted field is not closed",
  INVALID_OPENING_QUOTE: "a quote may only open a field",
  CSV_INVALID_CLOSING_QUOTE: "a closing quote must end its field",
};

const lineBreaks = (fields: readonly string[]) => fields.reduce((n, f) => n + (f.match(/\r\n|\n|\r/g)?.length ?? 0), 0);

export function parseCsv(text: string): CsvRecord[] | { error: string; line: number } {
  try {
    // With `info`, csv-parse returns each record beside a snapshot of its position; its types do not say so.
    const rows = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ["\r\n", "\n", "\r"],
    }) as unknown as { record: string[]; info: { lines: number } }[];
    // csv-parse reports the line a record ends on; a quoted line break moves its start up.
    return rows.map(({ record, info }) => ({ line: info.lines - lineBreaks(record), fields: record }));
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error.lines === "number" ? error.lines : 1;
    return { error: FAULTS[error.code] ?? error.message, line };
  }
}
