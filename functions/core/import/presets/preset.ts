/**
 * A preset reads one platform's export as it comes (its columns, its dates, its statuses, one row
 * per line item) and turns each record into the row our schemas validate. Presets never write and
 * never validate our fields themselves: the customer and order schemas do that for every source.
 */

/** The kinds a preset can produce (platform presets: customers and orders; a mapping file: any). */
export type PresetKind = 'customers' | 'orders' | 'incidents';

/** What one source record became: our row to validate, a refusal, or a record that is no row. */
export type PresetOutcome =
  | { readonly ok: true; readonly line: number; readonly value: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly line: number;
      readonly reason: string;
      /** Not an error in the file: a record that holds no row of this kind (a failed payment). */
      readonly skip?: true;
    };

/** A CSV record's cell by column name; '' when the column is absent or the cell empty. */
export type Cells = (column: string) => string;

/** The state of one file's reading: records pushed in order, then `end()` for what was held back. */
export interface PresetRun<R> {
  push(line: number, record: R): PresetOutcome[];
  end(): PresetOutcome[];
}

export interface PresetOptions {
  /** The zone of dates written without one (WooCommerce's CSV export, a mapping's dates). */
  readonly timeZone?: string;
}

export interface Preset {
  /** The file layout, as `--format` names it (`stripe-payments`); unique with `kind`. */
  readonly name: string;
  readonly kind: PresetKind;
  /** For people: "Shopify orders export". */
  readonly label: string;
  /**
   * Reading CSV: the columns that identify the layout, each a name, a list of alternatives, or a
   * pattern with the name people read (Stripe's `Created date (<zone>)`).
   */
  readonly csv?: {
    readonly columns: readonly ColumnMatch[];
    start(columns: readonly string[], options: PresetOptions): PresetRun<Cells>;
  };
  /** Reading JSON (an array, or JSON Lines): whether an object is this platform's. */
  readonly json?: {
    recognises(object: Record<string, unknown>): boolean;
    start(options: PresetOptions): PresetRun<Record<string, unknown>>;
  };
  /** What the import assumes for this source, stated in every report (defaults, keys). */
  notes(options: PresetOptions): readonly string[];
}

export type ColumnMatch = string | readonly string[] | { readonly pattern: RegExp; readonly name: string };

/** The identifying columns `columns` lacks, as people read them (`"Total" or "Amount"`). */
export function missingColumns(preset: Preset, columns: readonly string[]): string[] {
  const have = new Set(columns);
  const present = (wanted: ColumnMatch) =>
    typeof wanted === 'string'
      ? have.has(wanted)
      : 'pattern' in wanted
        ? columns.some((column) => wanted.pattern.test(column))
        : wanted.some((name) => have.has(name));
  return (preset.csv?.columns ?? [])
    .filter((wanted) => !present(wanted))
    .map((wanted) =>
      typeof wanted === 'string'
        ? `"${wanted}"`
        : 'pattern' in wanted
          ? `"${wanted.name}"`
          : wanted.map((name) => `"${name}"`).join(' or '),
    );
}

export const accept = (line: number, value: Record<string, unknown>): PresetOutcome => ({
  ok: true,
  line,
  value: Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined && field !== '')),
});
export const refuse = (line: number, reason: string): PresetOutcome => ({ ok: false, line, reason });
export const skip = (line: number, reason: string): PresetOutcome => ({
  ok: false,
  line,
  reason,
  skip: true,
});

/**
 * An amount as exports write it: `53.91`, `1,234.50`, `-5.00`; undefined when it is none. Only
 * comma thousands with a point decimal: a `1.234,50` would be read wrongly, so it is refused.
 */
export function readMoney(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed.replaceAll(',', ''));
}

/** Whether a JSON value is an object (not an array or null). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An address as a customer key: trimmed and lower-cased, as the customer schema stores emails. */
export const emailKey = (email: string) => email.trim().toLowerCase();

/**
 * Customers read from an orders or payments file: the first record of each customer makes the
 * row; later ones are skipped, saying where the customer came from.
 */
export function firstPerCustomer(): (line: number, key: string) => PresetOutcome | undefined {
  const seen = new Map<string, number>();
  return (line, key) => {
    const first = seen.get(key);
    if (first !== undefined) return skip(line, `customer already read from line ${first}`);
    seen.set(key, line);
    return undefined;
  };
}

/**
 * Records grouped by a key over consecutive rows (exports with one row per line item): each group
 * is turned into outcomes when the key changes and at the end. The group's line is its first row's.
 */
export function consecutiveGroups<R>(
  keyOf: (record: R) => string,
  emit: (line: number, first: R) => PresetOutcome[],
): PresetRun<R> {
  let current: { key: string; line: number; first: R } | undefined;
  return {
    push(line, record) {
      const key = keyOf(record);
      if (current !== undefined && key === current.key && key !== '') return [];
      const done = current === undefined ? [] : emit(current.line, current.first);
      current = { key, line, first: record };
      return done;
    },
    end() {
      const done = current === undefined ? [] : emit(current.line, current.first);
      current = undefined;
      return done;
    },
  };
}
