import { describe, expect, it } from "vitest";
import { parseCsv } from "../../api/import/csv.js";
import { issuancesFromCsv } from "../../api/import/issuance-csv.js";
import { csvLines } from "../../api/ledger/read/exports.js";

describe("CSV reader", () => {
  it("reads quoted fields, doubled quotes, CRLF and keeps line numbers of records", () => {
    const records = parseCsv('a,b\r\n"x, ""y""",2\n"multi\nline",3\n\nlast,4');
    expect(records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ['x, "y"', "2"] },
      { line: 3, fields: ["multi\nline", "3"] },
      { line: 6, fields: ["last", "4"] },
    ]);
  });

  it("reports an unclosed quote with its line", () => {
    expect(parseCsv('a\n"open,1\n')).toEqual({ error: "a quoted field is not closed", line: 2 });
  });

  it("maps issuance columns whatever their case or underscores, and names missing ones", () => {
    const ok = issuancesFromCsv(
      "projectRef,Registry,VINTAGE,monitoring_start,monitoring_end,serial_start,serial_end\nMN006,JP,2020,2019-07-06,2020-12-31,1,24249\n",
    );
    expect(ok).toEqual({
      rows: [
        {
          line: 2,
          value: {
            projectRef: "MN006",
            registry: "JP",
            vintage: 2020,
            monitoringPeriod: { start: "2019-07-06", end: "2020-12-31" },
            serialStart: 1,
            serialEnd: 24249,
          },
        },
      ],
    });
    expect(issuancesFromCsv("project_ref,registry\nMN006,JP")).toEqual({
      errors: [
        {
          path: "line 1",
          line: 1,
          message: "missing column(s): vintage, monitoring_start, monitoring_end, serial_start, serial_end",
        },
      ],
    });
  });
});

describe("CSV writer", () => {
  it("quotes what RFC 4180 needs, line breaks included, ends rows with CRLF and writes booleans and nulls plainly", () => {
    expect(csvLines([["a", 'b"c', "d,e", "f\ng", "h\ri", 3, true, false, null, ""]])).toBe(
      'a,"b""c","d,e","f\ng","h\ri",3,true,false,,\r\n',
    );
  });

  it("defuses text a spreadsheet would run as a formula, fullwidth and hidden forms too", () => {
    expect(csvLines([["=1+1", "+A1", "-2", "@SUM(A1)", "＝1", "\u200B=1", "plain"]])).toBe(
      "'=1+1,'+A1,'-2,'@SUM(A1),'＝1,'\u200B=1,plain\r\n",
    );
  });

  it("reports a stray quote inside a field with its line", () => {
    expect(parseCsv('a\nx"y,1\n')).toEqual({ error: "a quote may only open a field", line: 2 });
  });
});
