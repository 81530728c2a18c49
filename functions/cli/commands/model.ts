import { readFileSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { counted } from '../../core/counted.ts';
import {
  type CustomerSummary,
  chooseModel,
  compareHoldoutColumns,
  type FitResult,
  fitModel,
  type HoldoutComparison,
  holdoutChartSvg,
  holdoutLength,
  holdoutWindow,
  MODEL_KINDS,
  ModelInputError,
  type ModelKind,
  parseSummaryCsv,
  parseTransactionsCsv,
  type RejectedLine,
  type SummaryColumns,
  summariseTransactions,
  type TimeUnit,
  type Transaction,
  toColumns,
} from '../../core/model/index.ts';
import { readSummaryCsv, type SummaryTable } from '../../core/model/summary-csv.ts';
import {
  type HoldoutTable,
  readTransactionsHoldout,
  readTransactionsSummary,
} from '../../core/model/transactions-csv.ts';
import { type ScoreFileFormat, scoreFileChunks } from '../../core/reporting/score-file.ts';
import { type Command, UsageError } from '../command.ts';
import type { Output } from '../output.ts';

const INPUT_OPTIONS = {
  summary: { type: 'string' },
  transactions: { type: 'string' },
  'calibration-end': { type: 'string' },
  model: { type: 'string' },
  unit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const INPUT_USAGE =
  '(--summary FILE | --transactions FILE --calibration-end YYYY-MM-DD) [--model bgnbd|mbgnbd|paretonbd|auto] [--unit days|weeks] [--json]';

function parseModel(value: string | undefined): ModelKind | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  const kind = MODEL_KINDS.find((model) => model === value);
  if (kind === undefined)
    throw new UsageError(`--model must be bgnbd, mbgnbd, paretonbd or auto, not "${value}"`);
  return kind;
}

function parseUnit(value: string | undefined): TimeUnit {
  if (value === undefined || value === 'weeks') return 'weeks';
  if (value === 'days') return 'days';
  throw new UsageError(`--unit must be days or weeks, not "${value}"`);
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error: unknown) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readText(file: string): string {
  return readBytes(file).toString('utf8');
}

interface LoadedInput {
  readonly customers: CustomerSummary[];
  readonly rejected: RejectedLine[];
  readonly transactions?: Transaction[];
}

/** Reads the summary or transactions file named by the options; bad rows come back in `rejected`. */
function loadInput(values: {
  summary?: string | undefined;
  transactions?: string | undefined;
  'calibration-end'?: string | undefined;
  unit: TimeUnit;
}): LoadedInput {
  if (values.summary !== undefined && values.transactions !== undefined)
    throw new UsageError('give either --summary or --transactions, not both');
  if (values.summary !== undefined) {
    const { customers, rejected } = parseSummaryCsv(readText(values.summary), values.summary);
    return { customers, rejected };
  }
  if (values.transactions === undefined) throw new UsageError('give --summary FILE or --transactions FILE');
  const calibrationEnd = values['calibration-end'];
  if (calibrationEnd === undefined) throw new UsageError('--transactions needs --calibration-end YYYY-MM-DD');
  const parsed = parseTransactionsCsv(readText(values.transactions), values.transactions);
  const summary = summariseTransactions(parsed.transactions, {
    calibrationEnd,
    unit: values.unit,
    fileName: values.transactions,
  });
  return {
    customers: summary.customers,
    rejected: [...parsed.rejected, ...summary.rejected],
    transactions: parsed.transactions,
  };
}

/**
 * The fit's input as columns, straight from the file's bytes (on shared memory, so the fit's worker
 * threads read them in place): a summary file as it is, transactions summarised per customer.
 */
function loadColumns(values: {
  summary?: string | undefined;
  transactions?: string | undefined;
  'calibration-end'?: string | undefined;
  unit: TimeUnit;
}): SummaryTable {
  if (values.summary !== undefined && values.transactions === undefined)
    return readSummaryCsv(readBytes(values.summary), values.summary, { shared: true });
  if (values.transactions !== undefined && values.summary === undefined) {
    const calibrationEnd = values['calibration-end'];
    if (calibrationEnd === undefined)
      throw new UsageError('--transactions needs --calibration-end YYYY-MM-DD');
    return readTransactionsSummary(readBytes(values.transactions), values.transactions, {
      calibrationEnd,
      unit: values.unit,
      shared: true,
    });
  }
  const input = loadInput(values);
  return {
    columns: toColumns(input.customers),
    size: input.customers.length,
    customerId: (i) => input.customers[i]?.customerId ?? '',
    rejected: input.rejected,
  };
}

function reportRejected(rejected: readonly RejectedLine[], out: Output): void {
  for (const row of rejected) out.error(`${row.file}:${row.line}  ${row.reason}`);
  if (rejected.length > 0) out.error(`${rejected.length} rows rejected; the rest were used`);
}

/** Runs `body`, turning input errors (bad header, bad dates in arguments) into usage errors. */
function withInputErrors<T>(body: () => T): T {
  try {
    return body();
  } catch (error: unknown) {
    if (error instanceof ModelInputError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

function fitJson(fit: FitResult): Record<string, unknown> {
  return {
    model: fit.model,
    params: fit.params,
    logLikelihood: fit.logLikelihood,
    customers: fit.customers,
    converged: fit.converged,
    iterations: fit.iterations,
    seconds: fit.seconds,
    gradientNorm: fit.gradientNorm,
    standardErrors: fit.standardErrors,
    warnings: fit.warnings,
    ...(fit.choice === undefined ? {} : { choice: fit.choice }),
  };
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? value.toPrecision(4) : String(value);
}

function printFit(fit: FitResult, out: Output): void {
  out.line(`model: ${fit.model}`);
  if (fit.choice !== undefined) out.line(`chosen by ${fit.choice.by}: ${fit.choice.reason}`);
  const errors = new Map<string, number>(
    fit.standardErrors === null ? [] : Object.entries(fit.standardErrors),
  );
  for (const [name, value] of Object.entries(fit.params)) {
    const se = errors.get(name);
    out.line(
      `  ${name.padEnd(6)} ${formatNumber(value)}${se === undefined ? '' : `  (se ${formatNumber(se)})`}`,
    );
  }
  out.line(`log-likelihood: ${fit.logLikelihood.toFixed(2)}`);
  out.line(
    fit.uniqueRows === fit.customers
      ? `customers: ${fit.customers} (the likelihood read every row)`
      : `customers: ${fit.customers} (${fit.uniqueRows} distinct x, t_x, T)`,
  );
  out.line(
    `converged: ${fit.converged ? 'yes' : 'no'} after ${fit.iterations} iterations (gradient norm ${fit.gradientNorm.toExponential(1)}) in ${fit.seconds.toFixed(3)} s`,
  );
}

function fitOrFail(
  kind: ModelKind | 'auto',
  customers: CustomerSummary[] | SummaryColumns,
  out: Output,
): FitResult {
  if (('length' in customers ? customers.length : customers.T.length) === 0)
    throw new UsageError('no valid customers in the input');
  const fit = fitModel(kind, customers);
  for (const warning of fit.warnings) out.error(`warning: ${warning}`);
  return fit;
}

/** `rekindle model fit`: fits a buy-till-you-die model and prints its parameters. */
export const modelFitCommand: Command = {
  name: 'model fit',
  summary: 'fit BG/NBD, MBG/NBD or Pareto/NBD to purchase history',
  usage: `rekindle model fit ${INPUT_USAGE}`,
  async run(argv, out) {
    const { values } = parseArgs({ args: [...argv], options: INPUT_OPTIONS, strict: true });
    const kind = parseModel(values.model);
    const unit = parseUnit(values.unit);
    const input = withInputErrors(() => loadColumns({ ...values, unit }));
    reportRejected(input.rejected, out);
    const fit = fitOrFail(kind, input.columns, out);
    if (values.json === true) out.json(fitJson(fit));
    else printFit(fit, out);
    return input.rejected.length > 0 ? 1 : 0;
  },
};

/** Writes all of `bytes` at the file handle's position (a write may take only part). */
async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += (await file.write(bytes, written)).bytesWritten;
}

/**
 * Writes `chunks` to `path` one after another, so the whole file is never one string in memory; each
 * chunk is written while the next is made (the writes run off the main thread).
 */
async function writeChunks(path: string, chunks: Iterable<Uint8Array>): Promise<void> {
  const file = await open(path, 'w').catch((error: unknown) => {
    throw new UsageError(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`);
  });
  let pending = Promise.resolve();
  try {
    for (const chunk of chunks) {
      await pending;
      pending = writeAll(file, chunk);
    }
    await pending;
  } finally {
    // A write still in flight when making a chunk failed: let it finish before closing; that error wins.
    await pending.catch(() => undefined);
    await file.close();
  }
}

/** `rekindle model score`: scores every customer for a horizon and writes CSV or JSON Lines. */
export const modelScoreCommand: Command = {
  name: 'model score',
  summary: 'score customers: P(alive), expected purchases, likelihood of return',
  usage: `rekindle model score ${INPUT_USAGE} --horizon H --out FILE.csv|FILE.jsonl`,
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: { ...INPUT_OPTIONS, horizon: { type: 'string' }, out: { type: 'string' } },
      strict: true,
    });
    const horizon = Number(values.horizon);
    if (values.horizon === undefined || !Number.isFinite(horizon) || horizon <= 0)
      throw new UsageError('--horizon must be a positive number (in the data’s time unit)');
    const target = values.out;
    if (target === undefined || !/\.(csv|jsonl)$/.test(target))
      throw new UsageError('--out must name a .csv or .jsonl file');
    const kind = parseModel(values.model);
    const unit = parseUnit(values.unit);
    const input = withInputErrors(() => loadColumns({ ...values, unit }));
    reportRejected(input.rejected, out);
    const fit = fitOrFail(kind, input.columns, out);
    const format: ScoreFileFormat = target.endsWith('.jsonl') ? 'jsonl' : 'csv';
    await writeChunks(target, scoreFileChunks(fit, input, horizon, unit, format));
    const summary = { model: fit.model, customers: input.size, horizon, unit, out: target };
    if (values.json === true) out.json({ ...summary, fit: fitJson(fit) });
    else
      out.line(
        `${target}: ${counted(input.size, 'customer')} scored with ${fit.model} over ${horizon} ${unit}`,
      );
    return input.rejected.length > 0 ? 1 : 0;
  },
};

function printComparison(comparison: HoldoutComparison, out: Output): void {
  out.line(
    `${comparison.model}: expected ${comparison.totalExpected.toFixed(1)}, actual ${comparison.totalActual}, RMSE per customer ${comparison.rmse.toFixed(4)}`,
  );
  out.line('  x     customers  expected    actual');
  for (const group of comparison.byFrequency) {
    out.line(
      `  ${group.label.padEnd(5)} ${String(group.customers).padStart(9)} ${group.expected.toFixed(1).padStart(9)} ${String(group.actual).padStart(9)}`,
    );
  }
}

/** Whether the two dates make a holdout period (the reason comes from {@link holdoutWindow}). */
function isHoldoutWindow(calibrationEnd: string, holdoutEnd: string): boolean {
  try {
    holdoutWindow(calibrationEnd, holdoutEnd);
    return true;
  } catch (error: unknown) {
    if (error instanceof ModelInputError) return false;
    throw error;
  }
}

/** `rekindle model evaluate`: expected against actual holdout purchases, per model, with an SVG chart. */
export const modelEvaluateCommand: Command = {
  name: 'model evaluate',
  summary: 'compare expected and actual purchases in a holdout period',
  usage:
    'rekindle model evaluate --transactions FILE --calibration-end DATE --holdout-end DATE [--model bgnbd|mbgnbd|paretonbd|auto] [--unit days|weeks] [--plot FILE.svg] [--json]',
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: { ...INPUT_OPTIONS, 'holdout-end': { type: 'string' }, plot: { type: 'string' } },
      strict: true,
    });
    if (values.summary !== undefined)
      throw new UsageError('evaluate needs --transactions (the holdout comes from them)');
    const calibrationEnd = values['calibration-end'];
    const holdoutEnd = values['holdout-end'];
    if (holdoutEnd === undefined || calibrationEnd === undefined)
      throw new UsageError('give --calibration-end and --holdout-end');
    const kind = parseModel(values.model);
    const unit = parseUnit(values.unit);
    const file = values.transactions;
    if (file === undefined) throw new UsageError('give --summary FILE or --transactions FILE');
    // A bad holdout end is reported after the rows are read and their rejections printed.
    const windowOk = isHoldoutWindow(calibrationEnd, holdoutEnd);
    const input: HoldoutTable = withInputErrors(() => {
      const bytes = readBytes(file);
      const options = { calibrationEnd, unit, shared: true };
      return windowOk
        ? readTransactionsHoldout(bytes, file, { ...options, holdoutEnd })
        : { ...readTransactionsSummary(bytes, file, options), holdout: new Int32Array(0) };
    });
    reportRejected(input.rejected, out);
    if (input.size === 0) throw new UsageError('no valid customers in the input');
    const horizon = withInputErrors(() => {
      holdoutWindow(calibrationEnd, holdoutEnd);
      return holdoutLength(calibrationEnd, holdoutEnd, unit);
    });
    const kinds = kind === 'auto' ? MODEL_KINDS : [kind];
    const { columns } = input;
    const fits = kinds.map((model) => fitModel(model, columns));
    for (const warning of new Set(fits.flatMap((fit) => fit.warnings))) out.error(`warning: ${warning}`);
    const comparisons = fits.map((fit) => compareHoldoutColumns(fit, columns, input.holdout, horizon));
    const oneTime = columns.frequency.filter((x) => x === 0).length / input.size;
    const chosen =
      kind === 'auto'
        ? chooseModel(
            fits,
            oneTime,
            comparisons.map((comparison) => comparison.rmse),
          )
        : fits[0];
    if (values.plot !== undefined) {
      writeFileSync(
        values.plot,
        holdoutChartSvg(comparisons, `Holdout purchases per customer, ${calibrationEnd} to ${holdoutEnd}`),
      );
    }
    if (values.json === true) {
      out.json({
        customers: input.size,
        holdoutLength: horizon,
        unit,
        models: comparisons.map((comparison, i) => {
          const fit = fits[i];
          return { ...comparison, ...(fit === undefined ? {} : { fit: fitJson(fit) }) };
        }),
        ...(chosen?.choice === undefined ? {} : { choice: chosen.choice }),
      });
    } else {
      out.line(`${counted(input.size, 'customer')}; holdout of ${horizon.toFixed(2)} ${unit}`);
      for (const comparison of comparisons) printComparison(comparison, out);
      if (chosen?.choice !== undefined) out.line(`best: ${chosen.choice.chosen} — ${chosen.choice.reason}`);
      if (values.plot !== undefined) out.line(`chart written to ${values.plot}`);
    }
    return input.rejected.length > 0 ? 1 : 0;
  },
};
