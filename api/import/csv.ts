/** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF. Returns rows with their line numbers. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export function parseCsv(text: string): CsvRecord[] | { error: string; line: number } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let i = 0;
  const src = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
  };
  while (i < src.length) {
    const ch = src[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"') {
      if (field !== "") return { error: "a quote may only open a field", line };
      quoted = true;
    } else if (ch === ",") {
      fields.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      endRecord();
      if (ch === "\r" && src[i + 1] === "\n") i++;
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
    i++;
  }
  if (quoted) return { error: "a quoted field is not closed", line: recordLine };
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}
