/** One CSV record with the line it started on (1-based, the header is line 1). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A record that could not be read at all (an unterminated quote), with its line. */
export interface CsvFault {
  readonly line: number;
  readonly reason: string;
}

/**
 * Splits RFC 4180 CSV text into records: quoted fields may hold commas, quotes ("") and line
 * breaks; CRLF or LF; a blank line is skipped. An unterminated quote at the end is a fault, not a row.
 */
export function parseCsv(text: string): { records: CsvRecord[]; faults: CsvFault[] } {
  const records: CsvRecord[] = [];
  const faults: CsvFault[] = [];
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    if (inQuotes) {
      if (char === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i += 1;
        } else inQuotes = false;
      } else {
        if (char === '\n') line += 1;
        field += char;
      }
    } else if (char === '"' && field === '') inQuotes = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else field += char;
  }
  if (inQuotes) faults.push({ line: recordLine, reason: 'unterminated quoted field (truncated file?)' });
  else if (field !== '' || fields.length > 0) endRecord();
  return { records, faults };
}
