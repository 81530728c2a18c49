/** Where CLI commands print: stdout for results, stderr for progress and diagnostics. */
export interface Output {
  line(text?: string): void;
  error(text: string): void;
  json(value: unknown): void;
}

export const processOutput: Output = {
  line: (text = '') => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
  json: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
};

/** An Output that keeps what was printed; for tests. */
export class MemoryOutput implements Output {
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  line(text = ''): void {
    this.lines.push(text);
  }
  error(text: string): void {
    this.errors.push(text);
  }
  json(value: unknown): void {
    this.lines.push(JSON.stringify(value));
  }
}
