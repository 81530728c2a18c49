import {
  expectedPurchasesColumns,
  fitModel,
  pAliveColumns,
  scoreColumns,
  simulateBgNbd,
} from '../functions/core/model/index.ts';
import { type BenchRow, printTable } from './table.ts';

const AREA = 'models';

let peakRss = 0;
function sampleRss(): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

/** Wall-clock seconds of `body` (run once: these are seconds-long, single-shot cases). */
function time<T>(body: () => T): { seconds: number; result: T } {
  const start = performance.now();
  const result = body();
  const seconds = (performance.now() - start) / 1000;
  sampleRss();
  return { seconds, result };
}

/**
 * Fitting and scoring speed on customers simulated from the BG/NBD with the CDNOW parameters, a 12-week
 * acquisition cohort (T between 27 and 39 weeks) and purchase times on whole days. Single-threaded.
 * References are lifetimes (numpy/scipy) on the same kind of machine, from the project's issue.
 */
export async function modelBenchmarks(): Promise<BenchRow[]> {
  const T = { min: 27, max: 39 };
  const million = simulateBgNbd({ customers: 1_000_000, seed: 1, T });
  const hundredThousand = simulateBgNbd({ customers: 100_000, seed: 2, T });
  sampleRss();
  const rows: BenchRow[] = [];
  const bg = time(() => fitModel('bgnbd', million));
  rows.push({
    area: AREA,
    case: `BG/NBD fit with standard errors, 1M customers (${bg.result.uniqueRows} unique rows, ${bg.result.iterations} iterations)`,
    value: bg.seconds,
    unit: 's',
    target: '< 1.2 s',
    reference: 'lifetimes 12.4 s',
  });
  const mbg = time(() => fitModel('mbgnbd', million));
  rows.push({
    area: AREA,
    case: `MBG/NBD fit, 1M customers (${mbg.result.iterations} iterations)`,
    value: mbg.seconds,
    unit: 's',
  });
  const pnbd = time(() => fitModel('paretonbd', hundredThousand));
  rows.push({
    area: AREA,
    case: `Pareto/NBD fit with standard errors, 100k customers (${pnbd.result.uniqueRows} unique rows, ${pnbd.result.iterations} iterations)`,
    value: pnbd.seconds,
    unit: 's',
    target: '< 2 s',
    reference: 'lifetimes 41 s',
  });
  const pnbdFast = time(() => fitModel('paretonbd', hundredThousand, { standardErrors: false }));
  rows.push({
    area: AREA,
    case: 'Pareto/NBD fit, 100k customers, without standard errors (no Hessian)',
    value: pnbdFast.seconds,
    unit: 's',
    target: '< 2 s',
  });
  const fit = bg.result;
  const pAlive = time(() => pAliveColumns(fit, million));
  rows.push({
    area: AREA,
    case: 'BG/NBD P(alive), 1M customers',
    value: pAlive.seconds * 1000,
    unit: 'ms',
    reference: 'lifetimes 36 ms',
  });
  const expected = time(() => expectedPurchasesColumns(fit, million, 39));
  rows.push({
    area: AREA,
    case: 'BG/NBD expected purchases (39 weeks), 1M customers',
    value: expected.seconds,
    unit: 's',
    reference: 'lifetimes 0.72 s',
  });
  const all = time(() => scoreColumns(fit, million, 39));
  rows.push({
    area: AREA,
    case: 'BG/NBD all scores (P(alive), expected, P(return), gap, overdue), 1M',
    value: all.seconds,
    unit: 's',
    target: '< 0.5 s',
  });
  const allPareto = time(() => scoreColumns(pnbd.result, million, 39));
  rows.push({ area: AREA, case: 'Pareto/NBD all scores, 1M customers', value: allPareto.seconds, unit: 's' });
  const maxRss = process.resourceUsage().maxRSS * 1024;
  rows.push({
    area: AREA,
    case: 'peak RSS of the whole run (simulation included)',
    value: Math.max(peakRss, maxRss) / 1e6,
    unit: 'MB',
    target: '< 500 MB',
  });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  modelBenchmarks().then(
    (rows) => process.stdout.write(`${printTable(rows)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
