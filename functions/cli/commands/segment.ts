import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Customer, Incident } from '../../core/customers/model.ts';
import { type Command, UsageError } from '../command.ts';
import type { Output } from '../output.ts';

const usage = [
  'rekindle segment (--summary FILE | --transactions FILE --calibration-end YYYY-MM-DD) [--incidents FILE] [--unit days|weeks] [--config FILE] [--examples N]',
  '       rekindle segment --orders FILE [--customers FILE] [--incidents FILE] [--as-of YYYY-MM-DD] [--config FILE] [--examples N]',
  '  --orders: the files `rekindle import` reads (csv, jsonl, json, platform exports; --orders-format, --customers-format, --time-zone),',
  '    segmented as the daily segmenter does on the day after the newest order (or --as-of); without --customers, every',
  '    customer with an order is counted with the defaults (locale en, consent unknown)',
].join('\n');
const dayMs = 86_400_000;

/**
 * `rekindle segment`: the segmenter's logic offline — fit the configured model, score everyone,
 * apply the segment rules in order — printing each segment's size with example customers and why.
 */
export const segmentCommand: Command = {
  name: 'segment',
  summary: 'fit the model on a file and show who lands in which segment, and why',
  usage,
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        summary: { type: 'string' },
        transactions: { type: 'string' },
        'calibration-end': { type: 'string' },
        incidents: { type: 'string' },
        unit: { type: 'string' },
        config: { type: 'string' },
        examples: { type: 'string' },
        orders: { type: 'string' },
        customers: { type: 'string' },
        'orders-format': { type: 'string' },
        'customers-format': { type: 'string' },
        'incidents-format': { type: 'string' },
        'time-zone': { type: 'string' },
        'as-of': { type: 'string' },
      },
      strict: true,
    });
    const examples = Number(values.examples ?? 3);
    if (!Number.isInteger(examples) || examples < 0)
      throw new UsageError('--examples must be a whole number');
    if (values.orders !== undefined) {
      if (values.summary !== undefined || values.transactions !== undefined)
        throw new UsageError('pass --orders FILE, or one of --summary FILE or --transactions FILE, not both');
      return segmentShopFiles(values, examples, out);
    }
    if (values.customers !== undefined) throw new UsageError('--customers goes with --orders FILE');
    if ((values.summary === undefined) === (values.transactions === undefined))
      throw new UsageError('pass exactly one of --summary FILE, --transactions FILE or --orders FILE');
    if (values.transactions !== undefined && values['calibration-end'] === undefined)
      throw new UsageError('--transactions needs --calibration-end YYYY-MM-DD');
    const unit = values.unit ?? 'days';
    if (unit !== 'days' && unit !== 'weeks') throw new UsageError('--unit must be days or weeks');
    // Loaded on use: the model and config code are not needed by other commands.
    const [
      { parseConfig, formatConfigIssues },
      rfm,
      { fitModel },
      { scoreCustomers },
      segments,
      rows,
      model,
    ] = await Promise.all([
      import('../../core/config/load.ts'),
      import('../../core/model/rfm.ts'),
      import('../../core/model/choose-model.ts'),
      import('../../core/model/scores.ts'),
      import('../../core/segments/evaluate.ts'),
      import('../../core/import/import-rows.ts'),
      import('../../core/customers/model.ts'),
    ]);
    const configFile = values.config ?? 'config/rekindle.yaml';
    const loaded = parseConfig(await readFile(configFile, 'utf8'), configFile);
    if (!loaded.ok) {
      out.error(formatConfigIssues(loaded.issues));
      return 1;
    }
    const config = loaded.config;
    const unitDays = unit === 'weeks' ? 7 : 1;

    let summaries: { customerId: string; frequency: number; recency: number; T: number }[];
    const spend = new Map<string, number>();
    let asOf: number;
    let rejected = 0;
    if (values.summary !== undefined) {
      const text = await readInput(values.summary);
      const parsed = readModelInput(
        out,
        () => rfm.parseSummaryCsv(text, values.summary ?? ''),
        rfm.ModelInputError,
      );
      if (parsed === undefined) return 1;
      summaries = parsed.customers;
      rejected += parsed.rejected.length;
      for (const line of parsed.rejected.slice(0, 10)) out.error(`${line.file}:${line.line}  ${line.reason}`);
      asOf = Date.now();
    } else {
      const file = values.transactions ?? '';
      const calibrationEnd = values['calibration-end'] ?? '';
      const text = await readInput(file);
      if (importOrdersHeader.test(text.slice(0, 200))) {
        out.error(
          `${file} has the columns of an import orders file (orderId, customerId, placedAt): pass it as --orders ${file}`,
        );
        return 2;
      }
      const parsed = readModelInput(out, () => rfm.parseTransactionsCsv(text, file), rfm.ModelInputError);
      if (parsed === undefined) return 1;
      const summarised = readModelInput(
        out,
        () => rfm.summariseTransactions(parsed.transactions, { calibrationEnd, unit, fileName: file }),
        rfm.ModelInputError,
      );
      if (summarised === undefined) return 1;
      summaries = summarised.customers;
      for (const row of parsed.transactions)
        if (row.date <= calibrationEnd)
          spend.set(row.customerId, (spend.get(row.customerId) ?? 0) + (row.amount ?? 0));
      const allRejected = [...parsed.rejected, ...summarised.rejected];
      rejected += allRejected.length;
      for (const line of allRejected.slice(0, 10)) out.error(`${line.file}:${line.line}  ${line.reason}`);
      asOf = Date.parse(`${calibrationEnd}T23:59:59Z`);
    }
    if (summaries.length === 0) {
      out.error('no customers to segment');
      return 1;
    }

    const incidents = new Map<string, Incident[]>();
    if (values.incidents !== undefined) {
      const format = values.incidents.endsWith('.jsonl') ? 'jsonl' : 'csv';
      const parsed = rows.parseRows(await readFile(values.incidents, 'utf8'), format, model.IncidentSchema);
      for (const { value } of parsed.rows)
        incidents.set(value.customerId, [...(incidents.get(value.customerId) ?? []), value]);
      rejected += parsed.rejected.length;
      for (const row of parsed.rejected.slice(0, 10))
        out.error(`${values.incidents}:${row.line}  ${row.reason}`);
    }

    const fit = readModelInput(
      out,
      () => fitModel(config.segmentation.model, summaries),
      rfm.ModelInputError,
    );
    if (fit === undefined) return 1;
    const horizon = config.segmentation.horizonDays / unitDays;
    const scores = scoreCustomers(fit, summaries, horizon, unit);
    out.line(
      `${summaries.length.toLocaleString('en')} customers; model ${fit.model}${fit.choice === undefined ? '' : ` (${fit.choice.reason})`}; horizon ${config.segmentation.horizonDays} days`,
    );

    const members = new Map<string, { id: string; reasons: string }[]>();
    let unmatched = 0;
    for (const score of scores) {
      const facts = {
        now: asOf,
        orderCount: score.frequency + 1,
        lastOrderAt: asOf - (score.T - score.recency) * unitDays * dayMs,
        daysSinceLastOrder: Math.floor((score.T - score.recency) * unitDays),
        totalSpend: spend.get(score.customerId) ?? 0,
        incidents: incidents.get(score.customerId) ?? [],
        score: {
          pAlive: score.pAlive,
          pReturn: score.pReturn,
          expectedPurchases: score.expectedPurchases,
          overdueRatio: score.overdueRatio,
        },
        overdueRatio: score.overdueRatio,
      };
      const segment = segments.matchSegment(config.segments, facts);
      if (segment === undefined) {
        unmatched += 1;
        continue;
      }
      const list = members.get(segment.id) ?? [];
      const matched = segments.describeMatch(segment, facts);
      list.push({
        id: score.customerId,
        reasons: `${score.explanation}${matched.length === 0 ? '' : ` — matched ${matched.join(', ')}`}`,
      });
      members.set(segment.id, list);
    }
    const share = (count: number) => `${((count / scores.length) * 100).toFixed(1)}%`;
    for (const segment of config.segments) {
      const list = members.get(segment.id) ?? [];
      const action =
        segment.sequence === null
          ? 'do not email'
          : `→ ${segment.sequence}${segment.holdoutPercent > 0 ? ` (${segment.holdoutPercent}% held out)` : ''}`;
      out.line('');
      out.line(`${segment.id}: ${list.length.toLocaleString('en')} (${share(list.length)}) ${action}`);
      if (segment.description !== undefined) out.line(`  ${segment.description}`);
      for (const example of list.slice(0, examples)) out.line(`  • ${example.id}: ${example.reasons}`);
    }
    out.line('');
    out.line(`no segment: ${unmatched.toLocaleString('en')} (${share(unmatched)})`);
    if (rejected > 0) out.error(`${rejected} input rows rejected (first ones listed above)`);
    return rejected > 0 ? 1 : 0;
  },
};

/** An import orders file's header: `orderId,customerId,placedAt…` in any order. */
const importOrdersHeader = /^[^\n]*\borderId\b[^\n]*\bplacedAt\b|^[^\n]*\bplacedAt\b[^\n]*\borderId\b/;

/** Why a file could not be read, for people. */
async function readInput(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: unknown) => {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    throw new UsageError(`cannot read ${file}: ${missing ? 'no such file' : String(error)}`);
  });
}

/** Runs a model step; a ModelInputError (the file's layout, a bad date) is one line on stderr, not a stack trace. */
function readModelInput<T>(
  out: Output,
  step: () => T,
  inputError: abstract new (...args: never[]) => Error,
): T | undefined {
  try {
    return step();
  } catch (error: unknown) {
    if (!(error instanceof inputError)) throw error;
    out.error(error.message);
    return undefined;
  }
}

/**
 * `--orders`: the shop's files as the import reads them, segmented as the daily segmenter would on
 * the day after the newest order (or --as-of): the first day of `rekindle plan`, its segments printed.
 */
async function segmentShopFiles(
  values: {
    orders?: string | undefined;
    customers?: string | undefined;
    incidents?: string | undefined;
    'orders-format'?: string | undefined;
    'customers-format'?: string | undefined;
    'incidents-format'?: string | undefined;
    'time-zone'?: string | undefined;
    'as-of'?: string | undefined;
    config?: string | undefined;
  },
  examples: number,
  out: Output,
): Promise<number> {
  const asOf = values['as-of'];
  if (asOf !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))))
    throw new UsageError('--as-of must be a date such as 2026-03-02');
  const [
    { parseConfig, formatConfigIssues },
    { readShopFiles },
    simulate,
    { planningModel },
    { seededRandom },
  ] = await Promise.all([
    import('../../core/config/load.ts'),
    import('./plan.ts'),
    import('../../core/planning/simulate-plan.ts'),
    import('../../core/planning/planning-model.ts'),
    import('../../core/model/simulate.ts'),
  ]);
  const configFile = values.config ?? 'config/rekindle.yaml';
  const loaded = parseConfig(await readInput(configFile), configFile);
  if (!loaded.ok) {
    out.error(formatConfigIssues(loaded.issues));
    return 1;
  }
  const config = loaded.config;
  const read = await readShopFiles(
    {
      orders: { file: values.orders ?? '', format: values['orders-format'] },
      ...(values.customers === undefined
        ? {}
        : { customers: { file: values.customers, format: values['customers-format'] } }),
      ...(values.incidents === undefined
        ? {}
        : { incidents: { file: values.incidents, format: values['incidents-format'] } }),
    },
    values['time-zone'],
    out,
  );
  if ('errors' in read) {
    for (const error of read.errors) out.error(error);
    return 2;
  }
  let data = read.data;
  if (values.customers === undefined) {
    // No customers file: everyone with an order, with the profile defaults.
    const ids = [...new Set(data.orders.map((order) => order.customerId))];
    data = {
      ...data,
      customers: ids.map(
        (customerId): Customer => ({
          customerId,
          email: 'unknown@example.com',
          firstName: '',
          locale: 'en',
          consent: 'unknown',
        }),
      ),
    };
  }
  if (data.customers.length === 0) {
    out.error('no customers to segment');
    return 1;
  }
  const zone = config.segmentation.timeZone ?? config.shop.fallbackTimeZone;
  const start =
    asOf === undefined ? simulate.planStart(data, zone, Date.now()) : simulate.localMidnight(asOf, zone);
  const plan = await simulate.simulatePlan({
    config,
    data,
    start,
    days: 1,
    model: planningModel,
    random: seededRandom(1),
    examples,
  });
  const share = (count: number) => `${((count / plan.customers) * 100).toFixed(1)}%`;
  out.line(
    `${plan.customers.toLocaleString('en')} customers as of ${new Date(plan.days[0]?.segmenterAt ?? start).toISOString()}; model ${plan.model.kind ?? `none (${plan.model.fitError ?? 'not fitted'})`}; horizon ${config.segmentation.horizonDays} days`,
  );
  for (const segment of plan.segments) {
    const action =
      segment.sequence === null
        ? 'do not email'
        : `→ ${segment.sequence}${segment.holdoutPercent > 0 ? ` (${segment.holdoutPercent}% held out)` : ''}`;
    out.line('');
    out.line(`${segment.id}: ${segment.members.toLocaleString('en')} (${share(segment.members)}) ${action}`);
    if (segment.description !== undefined) out.line(`  ${segment.description}`);
    for (const example of segment.examples) out.line(`  • ${example.customerId}: ${example.reasons}`);
  }
  out.line('');
  out.line(`no segment: ${plan.unmatched.toLocaleString('en')} (${share(plan.unmatched)})`);
  if (read.rejected > 0) out.error(`${read.rejected} input rows rejected (first ones listed above)`);
  return read.rejected > 0 ? 1 : 0;
}
