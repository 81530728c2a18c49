/** One CSV record with the lines it spans (1-based, the header is line 1). */
export interface CsvRecord {
  readonly line: number;
  /** The last physical line of the record: later than `line` when a quoted field holds line breaks. */
  readonly lastLine: number;
  readonly fields: readonly string[];
  /** Why the record is malformed though its lines are known (text after a closing quote). */
  readonly fault?: string;
}

/**
 * Why reading stopped: the file's structure is broken from `line` on, so which physical lines are
 * which rows is unknown (an unterminated quote swallowing the rows after it). Nothing from `line`
 * on is returned as a record.
 */
export interface CsvFault {
  readonly line: number;
  readonly reason: string;
}

/** What a UTF-8 decoder puts where bytes are not UTF-8 (Node's `utf8` decoding, S3's streams). */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** Why a line with bytes that are not UTF-8 stops an import: guessing the encoding would garble names. */
export const notUtf8 = (line: number) =>
  `line ${line} is not UTF-8 text: it has bytes UTF-8 cannot decode (shown as U+FFFD, as "Jos\uFFFD" for a windows-1252 "José"); save the file as UTF-8 (CSV UTF-8 in Excel) and import it again`;

/** A quoted field this long is a quote left open, not data; reading stops rather than hold it. */
export const MAX_FIELD_CHARS = 100_000;

/**
 * An incremental RFC 4180 tokenizer: feed it chunks of any size (a record may span chunks) and it
 * returns the records completed so far, so a file of any size is read in constant memory. Quoted
 * fields may hold commas, quotes ("") and line breaks; CRLF or LF; a blank line is skipped.
 *
 * Every physical line ends up in a record, a blank line, or the fault that stopped the reading:
 * a quote left open that runs past its own line, or a quoted field spanning lines with text after
 * its closing quote (a later field's opening quote closed an earlier unterminated one), stops
 * reading with the line the quote opened on, instead of passing the rows it swallowed off as one.
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
  /** Where the open quoted field began, and the line of text found after a closing quote. */
  #quoteLine = 1;
  #stray: { line: number; quoteLine: number; field: number } | undefined;
  #started = false;
  #fault: CsvFault | undefined;

  /** Set once reading stopped; no record follows it. */
  get fault(): CsvFault | undefined {
    return this.#fault;
  }

  /** Consumes `chunk` and returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    if (this.#fault !== undefined) return records;
    let source = chunk;
    if (!this.#started && source.length > 0) {
      this.#started = true;
      if (source.startsWith('\uFEFF')) source = source.slice(1);
    }
    for (let i = 0; i < source.length; i += 1) {
      const char = source[i];
      if (char === REPLACEMENT_CHARACTER) {
        this.#stop(notUtf8(this.#line));
        return records;
      }
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
        if (char !== ',' && char !== '\n' && char !== '\r')
          this.#stray ??= { line: this.#line, quoteLine: this.#quoteLine, field: this.#fields.length + 1 };
      }
      if (this.#inQuotes) {
        if (char === '"') this.#pendingQuote = true;
        else {
          if (char === '\n') this.#line += 1;
          this.#field += char;
          if (this.#field.length > MAX_FIELD_CHARS) {
            this.#stop(
              `a quoted field opened on line ${this.#quoteLine} is longer than ${MAX_FIELD_CHARS.toLocaleString('en')} characters (line ${this.#line} so far): is its closing quote missing?`,
            );
            return records;
          }
        }
      } else if (char === '"' && this.#field === '') {
        this.#inQuotes = true;
        this.#quoteLine = this.#line;
      } else if (char === ',') {
        this.#fields.push(this.#field);
        this.#field = '';
      } else if (char === '\n' || char === '\r') {
        if (char === '\r') this.#pendingCr = true;
        if (!this.#endRecord(records)) return records;
        this.#line += 1;
        this.#recordLine = this.#line;
      } else this.#field += char;
    }
    return records;
  }

  /** Ends the input: the last record if unterminated by a newline; a quote left open is a fault. */
  end(): { records: CsvRecord[]; faults: CsvFault[] } {
    const records: CsvRecord[] = [];
    if (this.#fault === undefined) {
      if (this.#pendingQuote) {
        this.#pendingQuote = false;
        this.#inQuotes = false;
      }
      if (this.#inQuotes) {
        // A last line cut short is one rejected row; a quote that swallowed later lines hides them.
        const swallowed = this.#field.split('\n').slice(1).join('').trim();
        if (swallowed === '')
          return {
            records: [{ ...this.#record(), fault: 'unterminated quoted field (truncated file?)' }],
            faults: [],
          };
        this.#stop(
          `the quoted field opened on line ${this.#quoteLine} is never closed: it swallowed lines ${this.#quoteLine} to ${this.#line}`,
        );
      } else if (this.#field !== '' || this.#fields.length > 0) this.#endRecord(records);
    }
    return { records, faults: this.#fault === undefined ? [] : [this.#fault] };
  }

  #record(): CsvRecord {
    const fields = this.#fields;
    fields.push(this.#field);
    this.#fields = [];
    this.#field = '';
    return { line: this.#recordLine, lastLine: this.#line, fields };
  }

  /** Completes the current record; false when it proved the structure broken (reading stopped). */
  #endRecord(records: CsvRecord[]): boolean {
    const stray = this.#stray;
    this.#stray = undefined;
    const record = this.#record();
    if (stray !== undefined && stray.line > stray.quoteLine) {
      this.#stop(
        `the quoted field opened on line ${stray.quoteLine} closes on line ${stray.line} with text after its closing quote: is a closing quote missing on line ${stray.quoteLine}?`,
      );
      return false;
    }
    if (record.fields.length === 1 && record.fields[0] === '') return true;
    records.push(
      stray === undefined
        ? record
        : { ...record, fault: `field ${stray.field} has text after its closing quote` },
    );
    return true;
  }

  /** Stops reading at the current record's first line: neither it nor any later line is returned. */
  #stop(reason: string): void {
    this.#fault = { line: this.#recordLine, reason };
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
