import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseCsv } from '../../core/import/csv.ts';
import {
  analyseExperiment,
  type Effect,
  type ExperimentAnalysis,
  type ExperimentUnit,
} from '../../core/reporting/experiment.ts';
import { type Command, UsageError } from '../command.ts';
import type { Output } from '../output.ts';

const usage = 'rekindle lift FILE.csv [--json]';

/** What the group column may say, per group; case and spaces aside. */
const TREATED = new Set(['treated', 'treatment', 'test', 'emailed', 'variant', '1', 'true']);
const HOLDOUT = new Set(['holdout', 'hold-out', 'held-out', 'held out', 'control', '0', 'false']);
const YES = new Set(['1', 'true', 'yes', 'y']);
const NO = new Set(['0', 'false', 'no', 'n', '']);

/** A row that could not be used, with its line and why. */
export interface LiftRejection {
  readonly line: number;
  readonly reason: string;
}

/**
 * Reads an experiment exported from anywhere: a header with `group` and `returned`, and optionally
 * `revenue` and `covariate` (any order, any case). Each bad row is rejected with its line and field.
 */
export function readExperimentCsv(
  text: string,
): { ok: true; units: ExperimentUnit[]; rejected: LiftRejection[] } | { ok: false; reason: string } {
  const { records, faults } = parseCsv(text.replace(/^\uFEFF/, ''));
  const [header, ...rows] = records;
  if (header === undefined) return { ok: false, reason: 'the file is empty: expected a header line' };
  const names = header.fields.map((field) => field.trim().toLowerCase());
  const column = (name: string) => names.indexOf(name);
  const [group, returned, revenue, covariate] = ['group', 'returned', 'revenue', 'covariate'].map(column);
  if (group === undefined || group < 0 || returned === undefined || returned < 0)
    return {
      ok: false,
      reason: `line 1: the header needs the columns group and returned (and may have revenue and covariate); it has ${names.join(', ') || 'none'}`,
    };
  const units: ExperimentUnit[] = [];
  const rejected: LiftRejection[] = [];
  for (const row of rows) {
    const cell = (index: number | undefined) =>
      index === undefined || index < 0 ? undefined : (row.fields[index] ?? '').trim();
    const reject = (reason: string) => rejected.push({ line: row.line, reason });
    if (row.fault !== undefined) {
      reject(row.fault);
      continue;
    }
    const groupText = (cell(group) ?? '').toLowerCase();
    const treated = TREATED.has(groupText) ? true : HOLDOUT.has(groupText) ? false : undefined;
    if (treated === undefined) {
      reject(`group: expected treated or holdout (or control), got "${groupText.slice(0, 40)}"`);
      continue;
    }
    const returnedText = (cell(returned) ?? '').toLowerCase();
    const didReturn = YES.has(returnedText) ? true : NO.has(returnedText) ? false : undefined;
    if (didReturn === undefined) {
      reject(`returned: expected 1/0, true/false or yes/no, got "${returnedText.slice(0, 40)}"`);
      continue;
    }
    const revenueText = cell(revenue) ?? '';
    const spent = revenueText === '' ? 0 : Number(revenueText);
    if (!Number.isFinite(spent) || spent < 0) {
      reject(`revenue: expected an amount of 0 or more, got "${revenueText.slice(0, 40)}"`);
      continue;
    }
    const covariateText = cell(covariate);
    const known = covariateText === undefined || covariateText === '' ? undefined : Number(covariateText);
    if (covariateText !== undefined && (known === undefined || !Number.isFinite(known))) {
      reject(`covariate: expected a number, got "${covariateText.slice(0, 40)}"`);
      continue;
    }
    units.push({
      treated,
      returned: didReturn,
      revenue: spent,
      ...(known === undefined ? {} : { covariate: known }),
    });
  }
  for (const fault of faults)
    rejected.push({ line: fault.line, reason: `${fault.reason} (nothing after it was read)` });
  return { ok: true, units, rejected };
}

const points = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)} pts`;
const amount = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
const interval = (effect: Effect, format: (value: number) => string) =>
  `${format(effect.estimate)} (${format(effect.low)} to ${format(effect.high)})`;
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const count = (value: number) => value.toLocaleString('en');

/** The analysis as a marketer reads it. */
export function describeExperiment(analysis: ExperimentAnalysis): string[] {
  const { treated, holdout } = analysis;
  const lines = [
    `${count(treated.customers + holdout.customers)} customers: ${count(treated.customers)} emailed, ${count(holdout.customers)} held out`,
    `                   emailed  held out`,
    `return rate       ${percent(treated.returnRate).padStart(8)}  ${percent(holdout.returnRate).padStart(8)}   lift ${interval(analysis.returnRate, points)}`,
    `revenue/customer  ${treated.revenuePerCustomer.toFixed(2).padStart(8)}  ${holdout.revenuePerCustomer.toFixed(2).padStart(8)}   lift ${interval(analysis.revenue, amount)}`,
  ];
  if (analysis.adjusted !== undefined) {
    lines.push(
      `adjusted by the covariate (it explains ${percent(analysis.adjusted.varianceRemoved)} of the return rate's variance):`,
      `  return rate lift ${interval(analysis.adjusted.returnRate, points)}`,
      `  revenue lift     ${interval(analysis.adjusted.revenue, amount)}`,
    );
  }
  const needed = analysis.needed
    .map((entry) => `${count(entry.customers)} for ${points(entry.effect)}`)
    .join(', ');
  lines.push(
    `customers needed in all to find a return-rate lift (80% of the time, at this hold-out share): ${needed}`,
    'intervals are 95%; a lift whose interval includes 0 is not yet shown to be real',
  );
  return lines;
}

/** `rekindle lift FILE.csv`: the report's statistics on an experiment exported from anywhere. */
export const liftCommand: Command = {
  name: 'lift',
  summary: 'measure a hold-out experiment from a CSV (group, returned, revenue, covariate)',
  usage,
  async run(argv, out: Output) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) throw new UsageError('expected exactly one FILE.csv');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error: unknown) {
      out.error(`${file}: cannot read it (${error instanceof Error ? error.message : String(error)})`);
      return 1;
    }
    const read = readExperimentCsv(text);
    if (!read.ok) {
      out.error(`${file}: ${read.reason}`);
      return 1;
    }
    const result = analyseExperiment(read.units);
    if (values.json === true) {
      out.json({
        file,
        rejected: read.rejected,
        ...(result.ok ? { analysis: result.analysis } : { error: result.reason }),
      });
      return result.ok && read.rejected.length === 0 ? 0 : 1;
    }
    out.line(`${file}: ${count(read.units.length)} rows used, ${count(read.rejected.length)} rejected`);
    for (const row of read.rejected.slice(0, 20)) out.line(`  line ${row.line}: ${row.reason}`);
    if (read.rejected.length > 20) out.line(`  … and ${count(read.rejected.length - 20)} more`);
    if (!result.ok) {
      out.error(`${file}: ${result.reason}`);
      return 1;
    }
    for (const line of describeExperiment(result.analysis)) out.line(line);
    return read.rejected.length === 0 ? 0 : 1;
  },
};
