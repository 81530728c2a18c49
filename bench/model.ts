import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compressSummaries,
  expectedPurchasesColumns,
  fitModel,
  pAliveColumns,
  readSummaryCsv,
  readTransactionsSummary,
  type SummaryColumns,
  scoreColumns,
  simulateBgNbd,
} from '../functions/core/model/index.ts';
import { seededRandom } from '../functions/core/model/simulate.ts';
import { type BenchRow, printTable } from './table.ts';

const AREA = 'models';
const ROOT = join(import.meta.dirname, '..');

let peakRss = 0;
function sampleRss(): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

/**
 * Wall-clock seconds of `body` (run once: these are seconds-long, single-shot cases), and the CPU
 * seconds of the process meanwhile (every thread's), which a loaded machine inflates far less.
 */
function time<T>(body: () => T): { seconds: number; cpu: string; result: T } {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = body();
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpuStart);
  sampleRss();
  return { seconds, cpu: `CPU ${((used.user + used.system) / 1e6).toFixed(2)} s`, result };
}

/** Writes the summaries as the CSV a user would hand `rekindle model fit --summary` (full float precision). */
function writeSummaryCsv(file: string, columns: SummaryColumns): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, 'ID,frequency,recency,T\n');
    const chunk = 50_000;
    for (let from = 0; from < columns.T.length; from += chunk) {
      const lines: string[] = [];
      for (let i = from; i < Math.min(from + chunk, columns.T.length); i += 1)
        lines.push(`c${i + 1},${columns.frequency[i]},${columns.recency[i]},${columns.T[i]}\n`);
      writeSync(fd, lines.join(''));
    }
  } finally {
    closeSync(fd);
  }
}

/** 1M purchases of 300,000 customers over 18 months from 1997-01-01, with amounts. */
function writeTransactionsCsv(file: string): void {
  const random = seededRandom(3);
  const start = Date.UTC(1997, 0, 1);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, 'customer_id,date,amount\n');
    for (let from = 0; from < 1_000_000; from += 50_000) {
      const lines: string[] = [];
      for (let i = 0; i < 50_000; i += 1) {
        const customer = Math.floor(random() * 300_000) + 1;
        const day = new Date(start + Math.floor(random() * 545) * 86_400_000).toISOString().slice(0, 10);
        lines.push(`${customer},${day},${(random() * 100).toFixed(2)}\n`);
      }
      writeSync(fd, lines.join(''));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The whole command as a user runs it (`node bin/rekindle.js model fit …`, start-up included): wall
 * seconds, and the peak resident set of its processes from GNU time where it is installed.
 */
function timeCommand(args: readonly string[]): { seconds: number; peakMb: number | undefined; cpu: string } {
  const gnuTime = '/usr/bin/time';
  const useTime = existsSync(gnuTime);
  const command = useTime ? gnuTime : process.execPath;
  const argv = [
    ...(useTime ? ['-f', '%M %U %S', process.execPath] : []),
    join(ROOT, 'bin/rekindle.js'),
    ...args,
  ];
  const start = performance.now();
  const run = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`rekindle ${args.join(' ')} failed: ${run.stderr}`);
  const [kilobytes = Number.NaN, user = Number.NaN, system = Number.NaN] = useTime
    ? (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number)
    : [];
  return {
    seconds,
    peakMb: Number.isFinite(kilobytes) ? kilobytes / 1024 : undefined,
    cpu: Number.isFinite(user + system) ? `CPU ${(user + system).toFixed(2)} s` : 'CPU not measured',
  };
}

/**
 * Fitting and scoring speed on customers simulated from the BG/NBD with the CDNOW parameters and a
 * 12-week acquisition cohort (T between 27 and 39 weeks), in two shapes: purchase times rounded to
 * whole days (many identical rows) and continuous (every row distinct). BG/NBD and MBG/NBD read every
 * row (no merging) on every core; Pareto/NBD merges identical rows. The whole-command rows run the
 * CLI on CSV files of the same customers: `model fit`, and `model score` writing every customer's
 * scores. References are lifetimes 0.11 (numpy/scipy) from issues 3 and 25.
 */
export async function modelBenchmarks(): Promise<BenchRow[]> {
  const T = { min: 27, max: 39 };
  const shapes = [
    { name: 'rounded to days', resolution: 1 / 7, lifetimes: 'lifetimes 18.2 s' },
    { name: 'continuous', resolution: 0, lifetimes: 'lifetimes 18.1 s' },
  ] as const;
  const rows: BenchRow[] = [];
  const directory = mkdtempSync(join(tmpdir(), 'rekindle-bench-model-'));
  try {
    for (const shape of shapes) {
      const million = simulateBgNbd({ customers: 1_000_000, seed: 1, T, resolution: shape.resolution });
      const distinct = compressSummaries(million).size;
      sampleRss();
      const bg = time(() => fitModel('bgnbd', million));
      rows.push({
        area: AREA,
        case: `BG/NBD fit with standard errors, 1M customers, ${shape.name} (${distinct} distinct rows, ${bg.result.iterations} iterations; ${bg.cpu})`,
        value: bg.seconds,
        unit: 's',
        target: '< 1.5 s',
        reference: shape.lifetimes,
      });
      const mbg = time(() => fitModel('mbgnbd', million));
      rows.push({
        area: AREA,
        case: `MBG/NBD fit with standard errors, 1M customers, ${shape.name} (${mbg.result.iterations} iterations; ${mbg.cpu})`,
        value: mbg.seconds,
        unit: 's',
        target: '< 1.5 s',
      });
      const file = join(directory, `summary-${shape.resolution === 0 ? 'continuous' : 'days'}.csv`);
      writeSummaryCsv(file, million);
      const read = time(() => readSummaryCsv(readFileSync(file), file, { shared: true }));
      rows.push({
        area: AREA,
        case: `read and validate a 1M-row summary CSV into columns, ${shape.name} (${(statSync(file).size / 1e6).toFixed(0)} MB; ${read.cpu})`,
        value: read.seconds,
        unit: 's',
        target: '< 1 s',
      });
      const command = timeCommand(['model', 'fit', '--summary', file, '--model', 'bgnbd']);
      rows.push({
        area: AREA,
        case: `\`rekindle model fit --summary --model bgnbd\`, whole command, 1M customers, ${shape.name} (${command.cpu})`,
        value: command.seconds,
        unit: 's',
        target: '< 2.5 s',
        reference: 'lifetimes fit alone 18 s',
      });
      if (command.peakMb !== undefined)
        rows.push({
          area: AREA,
          case: `peak memory of that command, ${shape.name}`,
          value: command.peakMb,
          unit: 'MB',
          target: '< 500 MB',
        });
      const scores = join(directory, 'scores.csv');
      const score = timeCommand([
        'model',
        'score',
        '--summary',
        file,
        '--model',
        'bgnbd',
        '--horizon',
        '39',
        '--out',
        scores,
      ]);
      rows.push({
        area: AREA,
        case: `\`rekindle model score --summary --model bgnbd --horizon 39 --out FILE.csv\`, whole command (fit, scores, ${(statSync(scores).size / 1e6).toFixed(0)} MB CSV), 1M customers, ${shape.name} (${score.cpu})`,
        value: score.seconds,
        unit: 's',
        target: '< 5 s',
      });
      if (score.peakMb !== undefined)
        rows.push({
          area: AREA,
          case: `peak memory of that command, ${shape.name}`,
          value: score.peakMb,
          unit: 'MB',
          target: '< 500 MB',
        });
      rmSync(scores, { force: true });
    }
    const transactions = join(directory, 'transactions.csv');
    writeTransactionsCsv(transactions);
    const summarised = time(() =>
      readTransactionsSummary(readFileSync(transactions), transactions, {
        calibrationEnd: '1997-09-30',
        shared: true,
      }),
    );
    rows.push({
      area: AREA,
      case: `read, validate and summarise a 1M-row transactions CSV (${summarised.result.size} customers; ${summarised.cpu})`,
      value: summarised.seconds,
      unit: 's',
      target: '< 1 s',
    });
    const evaluate = timeCommand([
      'model',
      'evaluate',
      '--transactions',
      transactions,
      '--calibration-end',
      '1997-09-30',
      '--holdout-end',
      '1998-06-30',
      '--model',
      'bgnbd',
    ]);
    rows.push({
      area: AREA,
      case: `\`rekindle model evaluate --transactions --model bgnbd\`, whole command (read, holdout counts, fit, comparison), 1M-row transactions CSV (${evaluate.cpu})`,
      value: evaluate.seconds,
      unit: 's',
      target: '< 5 s',
    });
    if (evaluate.peakMb !== undefined)
      rows.push({
        area: AREA,
        case: 'peak memory of that command',
        value: evaluate.peakMb,
        unit: 'MB',
        target: '< 500 MB',
      });
    for (const shape of shapes) {
      const hundredThousand = simulateBgNbd({ customers: 100_000, seed: 2, T, resolution: shape.resolution });
      const distinct = compressSummaries(hundredThousand).size;
      const pnbd = time(() => fitModel('paretonbd', hundredThousand));
      rows.push({
        area: AREA,
        case: `Pareto/NBD fit with standard errors, 100k customers, ${shape.name} (${distinct} distinct rows, ${pnbd.result.iterations} iterations; ${pnbd.cpu})`,
        value: pnbd.seconds,
        unit: 's',
        target: '< 2 s',
        reference: 'lifetimes 41 s',
      });
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const million = simulateBgNbd({ customers: 1_000_000, seed: 1, T });
  const fit = fitModel('bgnbd', million);
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
  const pareto = fitModel('paretonbd', simulateBgNbd({ customers: 100_000, seed: 2, T }));
  const allPareto = time(() => scoreColumns(pareto, million, 39));
  rows.push({ area: AREA, case: 'Pareto/NBD all scores, 1M customers', value: allPareto.seconds, unit: 's' });
  const maxRss = process.resourceUsage().maxRSS * 1024;
  rows.push({
    area: AREA,
    // No target: this process holds every 1M-customer simulation it fits; the 500 MB is the commands'
    // (their "peak memory of that command" rows).
    case: 'peak RSS of the benchmark process (its 1M-customer simulations included)',
    value: Math.max(peakRss, maxRss) / 1e6,
    unit: 'MB',
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
