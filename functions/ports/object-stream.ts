/** Reads an object as text chunks, so a large import never sits in memory whole. */
export interface ObjectReader {
  /** UTF-8 text in chunks; a character is never split between two chunks. */
  streamText(bucket: string, key: string): AsyncIterable<string>;
}
