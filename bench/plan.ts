import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '../functions/core/config/load.ts';
import type { ModelRun } from '../functions/core/domain/scoring.ts';
import { convertCdnow } from '../functions/core/import/cdnow.ts';
import { importText } from '../functions/core/import/import-file.ts';
import { seededRandom } from '../functions/core/model/simulate.ts';
import { planningModel } from '../functions/core/planning/planning-model.ts';
import { ShopDataSink } from '../functions/core/planning/shop-data.ts';
import { planStart, simulatePlan, simulateWithoutLimits } from '../functions/core/planning/simulate-plan.ts';
import { type BenchRow, printTable } from './table.ts';

const AREA = 'plan';
const cdnow = process.env.BENCH_CDNOW ?? '/work/shared/data/cdnow/cdnow_master_transactions.csv';
/** BENCH_CDNOW_COPIES=k: CDNOW's customers k times, copy i under id + i·100,000 (the scale runs). */
const copies = Number(process.env.BENCH_CDNOW_COPIES ?? 1);

/** The transactions with every customer copied `times` times under new ids (the header kept). */
export function copiedCdnow(text: string, times: number): string {
  if (!(Number.isInteger(times) && times >= 1)) throw new RangeError(`copies must be a whole number ≥ 1`);
  if (times === 1) return text;
  const [header = '', ...lines] = text.split('\n').filter((line) => line.trim() !== '');
  const out = [header];
  for (const line of lines) {
    const comma = line.indexOf(',');
    const id = Number(line.slice(0, comma));
    if (!(Number.isInteger(id) && id < 100_000)) throw new RangeError(`customer id ${line.slice(0, comma)}`);
    for (let copy = 0; copy < times; copy += 1) out.push(`${id + copy * 100_000}${line.slice(comma)}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * `rekindle plan --cdnow` on CDNOW's 23,570 customers for 30 days with the shipped config, in the
 * steps the command takes: read and validate the files, the plan as configured (daily segmenter,
 * weekly refit, every step decided), and the same without caps and windows (reusing the fits).
 */
export async function planBenchmarks(): Promise<BenchRow[]> {
  const loaded = parseConfig(await readFile('config/rekindle.yaml', 'utf8'), 'config/rekindle.yaml');
  if (!loaded.ok) throw new Error('the shipped config must be valid');
  const config = loaded.config;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const converted = convertCdnow(copiedCdnow(await readFile(cdnow, 'utf8'), copies));
  const sink = new ShopDataSink();
  await importText(converted.customersCsv, { file: cdnow, kind: 'customers', format: 'csv' }, sink);
  await importText(converted.ordersCsv, { file: cdnow, kind: 'orders', format: 'csv' }, sink);
  const data = sink.data();
  const read = performance.now();
  const zone = config.segmentation.timeZone ?? config.shop.fallbackTimeZone;
  const start = planStart(data, zone, Date.now());
  const fits = new Map<string, ModelRun>();
  const options = { data, start, days: 30, model: planningModel, fits, config };
  const plan = await simulatePlan({ ...options, random: seededRandom(1) });
  const planned = performance.now();
  await simulateWithoutLimits(plan, { ...options, random: seededRandom(1) });
  const compared = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  return [
    {
      area: AREA,
      case: `CDNOW, ${data.customers.length.toLocaleString('en')} customers, 30 days: whole plan and comparison`,
      value: (compared - started) / 1000,
      unit: 's',
      target: '< 30 s',
    },
    {
      area: AREA,
      case: 'read and validate the files (converted, then the import)',
      value: (read - started) / 1000,
      unit: 's',
    },
    {
      area: AREA,
      case: `plan as configured (${plan.model.fits} fits, ${plan.totals.emails.toLocaleString('en')} emails)`,
      value: (planned - read) / 1000,
      unit: 's',
    },
    {
      area: AREA,
      case: 'the same without caps and windows (its enrolments replayed)',
      value: (compared - planned) / 1000,
      unit: 's',
    },
    {
      area: AREA,
      case: 'CPU time of the whole (user + system; wall time above it means a busy machine)',
      value: (cpu.user + cpu.system) / 1e6,
      unit: 's',
    },
    {
      // The kernel's high-water mark: a timer would not run while the plan holds the thread.
      area: AREA,
      case: 'peak RSS of the process (maxRSS, model fit workers included)',
      value: process.resourceUsage().maxRSS / 1024,
      unit: 'MB',
    },
    {
      // The host is shared: a wall time means little without how busy it was.
      area: AREA,
      case: 'load average of the host over the last minute, at the end (2 cores)',
      value: loadavg()[0] ?? 0,
      unit: 'load',
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.stdout.write(`${printTable(await planBenchmarks())}\n`);
