/** Reads the raw received mail; deletes only mail from or about a person erased on request. */
export interface RawMailSource {
  size(key: string): Promise<number>;
  read(key: string): Promise<Uint8Array>;
  erase(key: string): Promise<void>;
}
