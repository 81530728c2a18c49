import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Incident } from '../../core/customers/model.ts';
import { type Command, UsageError } from '../command.ts';

const usage =
  'rekindle segment (--summary FILE | --transactions FILE --calibration-end YYYY-MM-DD) [--incidents FILE] [--unit days|weeks] [--config FILE] [--examples N]';
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
      },
      strict: true,
    });
    if ((values.summary === undefined) === (values.transactions === undefined))
      throw new UsageError('pass exactly one of --summary FILE or --transactions FILE');
    if (values.transactions !== undefined && values['calibration-end'] === undefined)
      throw new UsageError('--transactions needs --calibration-end YYYY-MM-DD');
    const unit = values.unit ?? 'days';
    if (unit !== 'days' && unit !== 'weeks') throw new UsageError('--unit must be days or weeks');
    const examples = Number(values.examples ?? 3);
    if (!Number.isInteger(examples) || examples < 0)
      throw new UsageError('--examples must be a whole number');

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
      const parsed = rfm.parseSummaryCsv(await readFile(values.summary, 'utf8'), values.summary);
      summaries = parsed.customers;
      rejected += parsed.rejected.length;
      for (const line of parsed.rejected.slice(0, 10)) out.error(`${line.file}:${line.line}  ${line.reason}`);
      asOf = Date.now();
    } else {
      const file = values.transactions ?? '';
      const calibrationEnd = values['calibration-end'] ?? '';
      const parsed = rfm.parseTransactionsCsv(await readFile(file, 'utf8'), file);
      const summarised = rfm.summariseTransactions(parsed.transactions, {
        calibrationEnd,
        unit,
        fileName: file,
      });
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

    const fit = fitModel(config.segmentation.model, summaries);
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
