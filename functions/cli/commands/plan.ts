import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ModelRun } from '../../core/domain/scoring.ts';
import type { ImportKind } from '../../core/import/import-file.ts';
import type { ShopData } from '../../core/planning/shop-data.ts';
import { isTimeZone } from '../../core/time-zone.ts';
import { type Command, UsageError } from '../command.ts';
import type { Output } from '../output.ts';
import { importFile, resolveSource, unreadable } from './import.ts';

const usage = [
  'rekindle plan (--customers FILE --orders FILE [--incidents FILE] | --cdnow FILE) [--days N] [--start YYYY-MM-DD]',
  '              [--customer ID]… [--sample N] [--config FILE] [--json | --html FILE]',
  '  files as `rekindle import` reads them: csv, jsonl, json or a platform export (recognised by header),',
  '    --customers-format/--orders-format/--incidents-format FORMAT, --customers-map/--orders-map/--incidents-map MAP.yaml,',
  '    --time-zone ZONE for dates written without one',
  "  --cdnow FILE     CDNOW's transactions (customer_id,date,cds,amount), converted as `rekindle cdnow` does",
  '  --days N         days of virtual time to plan (default 30)',
  '  --start DATE     the first planned day (default: the day after the newest order or incident in the files)',
  "  --customer ID    show this customer's timeline (repeatable); otherwise a sample of --sample N (default 5)",
  '  --html FILE      also write the plan as a page with charts',
].join('\n');
const listedRejections = 10;
const maxDays = 366;

/** Reads the shop's files through the import's validation into memory; rejected rows go to stderr. */
export async function readShopFiles(
  files: Partial<Record<ImportKind, { file: string; format?: string; map?: string }>>,
  timeZone: string | undefined,
  out: Output,
): Promise<{ data: ShopData; rejected: number } | { errors: readonly string[] }> {
  const { ShopDataSink } = await import('../../core/planning/shop-data.ts');
  const sink = new ShopDataSink();
  let rejected = 0;
  const quiet: Output = { line: () => undefined, error: () => undefined, json: () => undefined };
  for (const kind of ['customers', 'orders', 'incidents'] as const) {
    const source = files[kind];
    if (source === undefined) continue;
    const resolved = await resolveSource(kind, source.file, source);
    if ('errors' in resolved) return { errors: resolved.errors };
    const report = await importFile(
      { ...resolved, presetOptions: timeZone === undefined ? {} : { timeZone }, sink },
      quiet,
    );
    rejected += report.rejectedTotal;
    for (const row of report.rejected.slice(0, listedRejections))
      out.error(`${source.file}:${row.line}  ${row.reason}`);
    if (report.rejectedTotal > listedRejections)
      out.error(
        `${source.file}: … and ${(report.rejectedTotal - listedRejections).toLocaleString('en')} more rejected`,
      );
    if (report.stopped !== undefined) {
      out.error(
        `${source.file}:${report.stopped.line}  ${report.stopped.reason}: nothing from this line on was read`,
      );
      rejected += 1;
    }
  }
  return { data: sink.data(), rejected };
}

/** Reads CDNOW's transactions as customers and orders (functions/core/import/cdnow.ts). */
async function readCdnow(file: string, out: Output): Promise<{ data: ShopData; rejected: number }> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new UsageError(`cannot read ${file}: ${unreadable(error)}`);
  });
  const [{ convertCdnow }, { importText }, { ShopDataSink }] = await Promise.all([
    import('../../core/import/cdnow.ts'),
    import('../../core/import/import-file.ts'),
    import('../../core/planning/shop-data.ts'),
  ]);
  const converted = convertCdnow(text);
  for (const row of converted.rejected.slice(0, listedRejections))
    out.error(`${file}:${row.line}  ${row.reason}`);
  const sink = new ShopDataSink();
  // Through the import's own validation, as the files `rekindle cdnow` writes would be.
  const customers = await importText(
    converted.customersCsv,
    { file, kind: 'customers', format: 'csv' },
    sink,
  );
  const orders = await importText(converted.ordersCsv, { file, kind: 'orders', format: 'csv' }, sink);
  return {
    data: sink.data(),
    rejected: converted.rejected.length + customers.rejectedTotal + orders.rejectedTotal,
  };
}

/**
 * `rekindle plan`: what the config would do to the shop's own customers over the next days — the
 * real segmenter, enrolment and send policy in virtual time, nothing sent, no AWS.
 */
export const planCommand: Command = {
  name: 'plan',
  summary: "run the config on the shop's own files in virtual time: who gets which email when, nothing sent",
  usage,
  async run(argv, out) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        customers: { type: 'string' },
        orders: { type: 'string' },
        incidents: { type: 'string' },
        'customers-format': { type: 'string' },
        'orders-format': { type: 'string' },
        'incidents-format': { type: 'string' },
        'customers-map': { type: 'string' },
        'orders-map': { type: 'string' },
        'incidents-map': { type: 'string' },
        'time-zone': { type: 'string' },
        cdnow: { type: 'string' },
        days: { type: 'string' },
        start: { type: 'string' },
        customer: { type: 'string', multiple: true },
        sample: { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean', default: false },
        html: { type: 'string' },
        seed: { type: 'string' },
      },
      strict: true,
    });
    const shopFiles =
      values.customers !== undefined || values.orders !== undefined || values.incidents !== undefined;
    if (values.cdnow !== undefined && shopFiles)
      throw new UsageError(
        'pass either --cdnow FILE or the shop files (--customers, --orders, --incidents), not both',
      );
    if (values.cdnow === undefined && (values.customers === undefined || values.orders === undefined))
      throw new UsageError(
        'pass --customers FILE and --orders FILE (and --incidents FILE if you have one), or --cdnow FILE',
      );
    const days = Number(values.days ?? 30);
    if (!Number.isInteger(days) || days < 1 || days > maxDays)
      throw new UsageError(`--days must be a whole number from 1 to ${maxDays}`);
    const sample = Number(values.sample ?? 5);
    if (!Number.isInteger(sample) || sample < 0) throw new UsageError('--sample must be a whole number');
    const seed = Number(values.seed ?? 1);
    if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number');
    if (
      values.start !== undefined &&
      (!/^\d{4}-\d{2}-\d{2}$/.test(values.start) || Number.isNaN(Date.parse(values.start)))
    )
      throw new UsageError('--start must be a date such as 2026-03-02');
    const timeZone = values['time-zone'];
    if (timeZone !== undefined && !isTimeZone(timeZone))
      throw new UsageError(`--time-zone ${timeZone} is not an IANA time zone such as Europe/London`);
    if (values.json && values.html !== undefined)
      throw new UsageError('pass --json or --html FILE, not both');

    // Loaded on use: the model, config and policy code are not needed by other commands.
    const [
      { parseConfig, formatConfigIssues },
      simulate,
      { buildPlanReport },
      { renderPlanText },
      { planningModel },
      { seededRandom },
    ] = await Promise.all([
      import('../../core/config/load.ts'),
      import('../../core/planning/simulate-plan.ts'),
      import('../../core/planning/plan-report.ts'),
      import('../../core/planning/plan-text.ts'),
      import('../../core/planning/planning-model.ts'),
      import('../../core/model/simulate.ts'),
    ]);
    const configFile = values.config ?? 'config/rekindle.yaml';
    const configText = await readFile(configFile, 'utf8').catch((error: unknown) => {
      throw new UsageError(`cannot read the config ${configFile}: ${unreadable(error)}`);
    });
    const loaded = parseConfig(configText, configFile);
    if (!loaded.ok) {
      out.error(formatConfigIssues(loaded.issues));
      return 1;
    }
    const config = loaded.config;

    const read =
      values.cdnow !== undefined
        ? await readCdnow(values.cdnow, out)
        : await readShopFiles(
            {
              customers: {
                file: values.customers ?? '',
                format: values['customers-format'],
                map: values['customers-map'],
              },
              orders: {
                file: values.orders ?? '',
                format: values['orders-format'],
                map: values['orders-map'],
              },
              ...(values.incidents === undefined
                ? {}
                : {
                    incidents: {
                      file: values.incidents,
                      format: values['incidents-format'],
                      map: values['incidents-map'],
                    },
                  }),
            },
            timeZone,
            out,
          );
    if ('errors' in read) {
      for (const error of read.errors) out.error(error);
      return 2;
    }
    if (read.data.customers.length === 0) {
      out.error('no customers to plan for: the customers file has no valid row');
      return 1;
    }
    const zone = config.segmentation.timeZone ?? config.shop.fallbackTimeZone;
    const start =
      values.start === undefined
        ? simulate.planStart(read.data, zone, Date.now())
        : simulate.localMidnight(values.start, zone);
    const fits = new Map<string, ModelRun>();
    // Both runs draw the same random numbers and share the model's fits.
    const options = { data: read.data, start, days, model: planningModel, fits, config };
    const plan = await simulate.simulatePlan({ ...options, random: seededRandom(seed) });
    const unlimited = await simulate.simulateWithoutLimits(plan, { ...options, random: seededRandom(seed) });
    const report = buildPlanReport({
      configFile,
      config,
      data: read.data,
      plan,
      unlimited,
      customerIds: values.customer ?? [],
      sample,
      rejectedRows: read.rejected,
    });
    if (values.json) out.json(report);
    else for (const line of renderPlanText(report)) out.line(line);
    if (values.html !== undefined) {
      const { renderPlanPage } = await import('../../core/planning/plan-page.ts');
      await writeFile(values.html, renderPlanPage(report), 'utf8');
      out.error(`wrote ${values.html}`);
    }
    for (const id of report.unknownCustomers) out.error(`customer ${id} is not in the customers file`);
    if (read.rejected > 0)
      out.error(`${read.rejected.toLocaleString('en')} input rows rejected (first ones listed above)`);
    return read.rejected > 0 || report.unknownCustomers.length > 0 ? 1 : 0;
  },
};
