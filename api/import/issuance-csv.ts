import type { ErrorDetail } from "../ledger/core/errors.js";
import { parseCsv } from "./csv.js";

/**
 * Turns an issuance CSV into the objects `POST /v1/issuances/import` takes as JSON, so both
 * forms are checked by one schema. Header names are matched without case or underscores:
 * project_ref, registry, vintage, monitoring_start, monitoring_end, serial_start, serial_end, and
 * optionally external_ref_system and external_ref_id (the issuance's reference in the registry's
 * own system; a row that fills one fills both).
 */
export const ISSUANCE_CSV_COLUMNS = [
  "project_ref",
  "registry",
  "vintage",
  "monitoring_start",
  "monitoring_end",
  "serial_start",
  "serial_end",
] as const;

const squash = (name: string) => name.toLowerCase().replace(/[^a-z]/g, "");

export interface CsvIssuance {
  line: number;
  value: {
    projectRef: string;
    registry: string;
    vintage: number | string;
    monitoringPeriod: { start: string; end: string };
    serialStart: number | string;
    serialEnd: number | string;
    externalRefs?: { system: string; id: string }[];
  };
}

const OPTIONAL_COLUMNS = ["external_ref_system", "external_ref_id"] as const;

const asNumber = (text: string) => (/^[0-9]{1,15}$/.test(text) ? Number(text) : text);

export function issuancesFromCsv(text: string): { rows: CsvIssuance[] } | { errors: ErrorDetail[] } {
  const records = parseCsv(text);
  if (!Array.isArray(records))
    return { errors: [{ path: `line ${records.line}`, line: records.line, message: records.error }] };
  const [header, ...data] = records;
  if (!header) return { errors: [{ path: "line 1", line: 1, message: "the file is empty; expected a header row" }] };
  const index = new Map(header.fields.map((name, i) => [squash(name), i]));
  const missing = ISSUANCE_CSV_COLUMNS.filter((c) => !index.has(squash(c)));
  if (missing.length > 0) {
    return { errors: [{ path: "line 1", line: 1, message: `missing column(s): ${missing.join(", ")}` }] };
  }
  const at = (r: string[], c: (typeof ISSUANCE_CSV_COLUMNS | typeof OPTIONAL_COLUMNS)[number]) =>
    (r[index.get(squash(c)) ?? -1] ?? "").trim();
  const refsOf = (r: string[]) => {
    const system = at(r, "external_ref_system");
    const id = at(r, "external_ref_id");
    // Both empty: no reference; one alone is passed on for the schema to refuse by name.
    return system === "" && id === "" ? {} : { externalRefs: [{ system, id }] };
  };
  return {
    rows: data.map((r) => ({
      line: r.line,
      value: {
        projectRef: at(r.fields, "project_ref"),
        registry: at(r.fields, "registry"),
        vintage: asNumber(at(r.fields, "vintage")),
        monitoringPeriod: { start: at(r.fields, "monitoring_start"), end: at(r.fields, "monitoring_end") },
        serialStart: asNumber(at(r.fields, "serial_start")),
        serialEnd: asNumber(at(r.fields, "serial_end")),
        ...refsOf(r.fields),
      },
    })),
  };
}
