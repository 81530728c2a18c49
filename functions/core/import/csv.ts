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
 * An incremental RFC 4180 tokenizer: feed it chunks of any size (a record may span chunks) and it
 * returns the records completed so far, so a file of any size is read in constant memory. Quoted
 * fields may hold commas, quotes ("") and line breaks; CRLF or LF; a blank line is skipped.
 */
export class CsvTokenizer {
  #fields: string[] = [];
  #field = '';
  #inQuotes = false;
  /** A quote inside a quoted field; whether it closes the field or escapes one depends on the next char. */
  #pendingQuote = false;
  /** A CR ended the last chunk; an LF starting the next belongs to it. */
  #pendingCr = false;
  #line = 1;
  #recordLine = 1;
  #started = false;

  /** Consumes `chunk` and returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    let source = chunk;
    if (!this.#started && source.length > 0) {
      this.#started = true;
      if (source.startsWith('\uFEFF')) source = source.slice(1);
    }
    for (let i = 0; i < source.length; i += 1) {
      const char = source[i];
      if (this.#pendingCr) {
        this.#pendingCr = false;
        if (char === '\n') continue;
      }
      if (this.#pendingQuote) {
        this.#pendingQuote = false;
        if (char === '"') {
          this.#field += '"';
          continue;
        }
        this.#inQuotes = false;
      }
      if (this.#inQuotes) {
        if (char === '"') this.#pendingQuote = true;
        else {
          if (char === '\n') this.#line += 1;
          this.#field += char;
        }
      } else if (char === '"' && this.#field === '') this.#inQuotes = true;
      else if (char === ',') {
        this.#fields.push(this.#field);
        this.#field = '';
      } else if (char === '\n' || char === '\r') {
        if (char === '\r') this.#pendingCr = true;
        this.#endRecord(records);
        this.#line += 1;
        this.#recordLine = this.#line;
      } else this.#field += char;
    }
    return records;
  }

  /** Ends the input: the last record if unterminated by a newline, or a fault for an open quote. */
  end(): { records: CsvRecord[]; faults: CsvFault[] } {
    const records: CsvRecord[] = [];
    if (this.#pendingQuote) {
      this.#pendingQuote = false;
      this.#inQuotes = false;
    }
    if (this.#inQuotes) {
      return {
        records,
        faults: [{ line: this.#recordLine, reason: 'unterminated quoted field (truncated file?)' }],
      };
    }
    if (this.#field !== '' || this.#fields.length > 0) this.#endRecord(records);
    return { records, faults: [] };
  }

  #endRecord(records: CsvRecord[]): void {
    const fields = this.#fields;
    fields.push(this.#field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: this.#recordLine, fields });
    this.#fields = [];
    this.#field = '';
  }
}

/** Splits a whole CSV text into records; see CsvTokenizer. */
export function parseCsv(text: string): { records: CsvRecord[]; faults: CsvFault[] } {
  const tokenizer = new CsvTokenizer();
  const records = tokenizer.push(text);
  const last = tokenizer.end();
  return { records: [...records, ...last.records], faults: last.faults };
}
