import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runDemo } from '../functions/local/demo.ts';
import { type BenchRow, printTable } from './table.ts';

const AREA = 'flow';

/**
 * The whole local flow (import, daily segmenting, scheduling, sending, simulated engagement,
 * report) for `customers` over three weeks of virtual time: wall time, peak memory of the process
 * (all handlers share it, so each handler's own is below this), and AWS requests per email sent.
 */
export async function flowBenchmarks(
  customers = Number(process.env.BENCH_CUSTOMERS ?? 2_000),
): Promise<BenchRow[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'rekindle-bench-'));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  try {
    const report = await runDemo({
      customers,
      seed: 42,
      days: 21,
      configFile: 'config/rekindle.yaml',
      templatesDir: 'templates',
      outDir: join(outDir, 'outbox'),
    });
    const seconds = (performance.now() - started) / 1000;
    const perEmail = (operation: string) =>
      Object.entries(report.requests.run)
        .filter(([key]) => key.startsWith(operation))
        .reduce((sum, [, count]) => sum + count, 0) / Math.max(1, report.sent);
    return [
      {
        area: AREA,
        case: `${customers} customers, 21 days`,
        value: seconds,
        unit: 's',
        target: customers >= 20_000 ? '< 300 s' : undefined,
      },
      { area: AREA, case: 'emails sent', value: report.sent, unit: 'emails' },
      {
        area: AREA,
        case: 'peak RSS (emulator clients + all handlers)',
        value: peak / 1024 / 1024,
        unit: 'MB',
        target: '< 256 MB per handler',
      },
      {
        area: AREA,
        case: 'DynamoDB reads per email',
        value:
          perEmail('dynamodb:Get') +
          perEmail('dynamodb:BatchGet') +
          perEmail('dynamodb:Query') +
          perEmail('dynamodb:Scan'),
        unit: 'requests',
      },
      {
        area: AREA,
        case: 'DynamoDB writes per email',
        value:
          perEmail('dynamodb:Put') +
          perEmail('dynamodb:Update') +
          perEmail('dynamodb:Transact') +
          perEmail('dynamodb:BatchWrite') +
          perEmail('dynamodb:Delete'),
        unit: 'requests',
      },
      { area: AREA, case: 'Scheduler calls per email', value: perEmail('scheduler:'), unit: 'requests' },
      { area: AREA, case: 'SES calls per email', value: perEmail('sesv2:'), unit: 'requests' },
      { area: AREA, case: 'S3 calls per email', value: perEmail('s3:'), unit: 'requests' },
    ];
  } finally {
    clearInterval(sampler);
    await rm(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(printTable(await flowBenchmarks()));
}
