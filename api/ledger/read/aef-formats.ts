import ExcelJS from "exceljs";
import type { Aef } from "./aef-types.js";
import { csvLines } from "./exports.js";

/**
 * The AEF's tables in the order and with the column headings of decision 4/CMA.6, annex II, for
 * the workbook (one sheet per table) and the per-table CSV. JSON keeps the camel-case keys.
 */
type Cell = string | number | null;
type TableName = keyof Aef;
export type RowOf<T extends TableName> = Aef[T] extends readonly (infer R)[] ? R : Aef[T];

interface TableSpec<T extends TableName> {
  sheet: string;
  columns: readonly (readonly [keyof RowOf<T> & string, string])[];
}

export const AEF_TABLES: { [T in TableName]: TableSpec<T> } = {
  submission: {
    sheet: "1 Submission",
    columns: [
      ["party", "Party"],
      ["reportedYear", "Reported year"],
      ["version", "Version"],
      ["generatedAt", "Date of submission"],
      ["ndcPeriod", "NDC implementation period"],
      ["journalSeq", "Journal entries included (up to sequence number)"],
    ],
  },
  authorizations: {
    sheet: "2 Authorizations",
    columns: [
      ["authorizationId", "Authorization ID"],
      ["bridgeId", "Bridge record ID"],
      ["version", "Version"],
      ["date", "Date of authorization"],
      ["cooperativeApproachId", "Cooperative approach ID"],
      ["authorizingParty", "Authorizing Party"],
      ["authorizedParties", "Authorized Parties"],
      ["authorizedEntities", "Authorized entities"],
      ["purposes", "Authorized use (NDC / OIMP / OP)"],
      ["oimpPurposes", "OIMP purposes"],
      ["firstTransferDefinition", "First transfer definition"],
      ["timeframeStart", "Timeframe start"],
      ["timeframeEnd", "Timeframe end"],
      ["firstUnitId", "First underlying unit ID"],
      ["lastUnitId", "Last underlying unit ID"],
      ["quantity", "Quantity (tCO2e)"],
      ["terms", "Terms"],
      ["documentationUrl", "Documentation"],
    ],
  },
  actions: {
    sheet: "3 Actions",
    columns: [
      ["actionDate", "Action date"],
      ["actionType", "Action type"],
      ["actionSubtype", "Action subtype"],
      ["cooperativeApproachId", "Cooperative approach ID"],
      ["authorizationId", "Authorization ID"],
      ["firstTransferringParty", "First transferring Party"],
      ["itmoRegistry", "ITMO registry"],
      ["firstItmoId", "First ITMO ID"],
      ["lastItmoId", "Last ITMO ID"],
      ["underlyingUnitRegistry", "Underlying unit registry"],
      ["firstUnitId", "First underlying unit ID"],
      ["lastUnitId", "Last underlying unit ID"],
      ["metric", "Metric"],
      ["quantity", "Quantity"],
      ["mitigationType", "Mitigation type"],
      ["vintage", "Vintage"],
      ["transferringParty", "Transferring Party"],
      ["acquiringParty", "Acquiring Party"],
      ["oimpPurpose", "Purposes for OIMP"],
      ["usingPartyOrEntity", "Using Party or entity"],
      ["yearOfUse", "Year of use"],
      ["additionalInformation", "Additional information"],
    ],
  },
  holdings: {
    sheet: "4 Holdings",
    columns: [
      ["holdingDate", "Holdings as of"],
      ["cooperativeApproachId", "Cooperative approach ID"],
      ["authorizationId", "Authorization ID"],
      ["firstTransferringParty", "First transferring Party"],
      ["firstItmoId", "First ITMO ID"],
      ["lastItmoId", "Last ITMO ID"],
      ["firstUnitId", "First underlying unit ID"],
      ["lastUnitId", "Last underlying unit ID"],
      ["metric", "Metric"],
      ["quantity", "Quantity"],
      ["vintage", "Vintage"],
    ],
  },
  authorizedEntities: {
    sheet: "5 Authorized entities",
    columns: [
      ["entityId", "Entity ID"],
      ["name", "Name"],
      ["country", "Country"],
      ["cooperativeApproachId", "Cooperative approach ID"],
      ["authorizationId", "Authorization ID"],
      ["conditions", "Conditions"],
    ],
  },
};

export const AEF_TABLE_NAMES = Object.keys(AEF_TABLES) as TableName[];

function rowsOf<T extends TableName>(aef: Aef, table: T): RowOf<T>[] {
  const value = aef[table];
  return (Array.isArray(value) ? value : [value]) as RowOf<T>[];
}

export function cellsOf<T extends TableName>(table: T, row: RowOf<T>): Cell[] {
  return AEF_TABLES[table].columns.map(([key]) => (row[key] as Cell | undefined) ?? null);
}

/** One table as CSV, headings first. */
export function aefCsv<T extends TableName>(aef: Aef, table: T): string {
  const spec = AEF_TABLES[table];
  return csvLines([spec.columns.map(([, heading]) => heading), ...rowsOf(aef, table).map((r) => cellsOf(table, r))]);
}

/** The whole report as a workbook: one sheet per table, headings in bold, columns in AEF order. */
export async function aefWorkbook(aef: Aef): Promise<Uint8Array<ArrayBuffer>> {
  const book = new ExcelJS.Workbook();
  book.creator = "jcm-bridge";
  book.created = new Date(aef.submission.generatedAt);
  for (const table of AEF_TABLE_NAMES) {
    const spec = AEF_TABLES[table];
    const sheet = book.addWorksheet(spec.sheet, { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.columns = spec.columns.map(([key, heading]) => ({
      key,
      header: heading,
      width: Math.max(12, heading.length + 2),
    }));
    sheet.getRow(1).font = { bold: true };
    for (const row of rowsOf(aef, table)) sheet.addRow(cellsOf(table, row));
  }
  return Uint8Array.from(new Uint8Array(await book.xlsx.writeBuffer()));
}
