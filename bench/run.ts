import { cpus } from 'node:os';
import { cliBenchmarks } from './cli.ts';
import { flowBenchmarks } from './flow.ts';
import { handlerBenchmarks } from './handlers.ts';
import { inboundBenchmarks } from './inbound.ts';
import { modelBenchmarks } from './model.ts';
import { planBenchmarks } from './plan.ts';
import { renderingBenchmarks } from './rendering.ts';
import { type BenchRow, printTable } from './table.ts';

// `npm run bench`: every benchmark, one table. Results are recorded in docs/benchmarks.md.
const rows: BenchRow[] = [];
for (const [name, run] of [
  ['cli', () => cliBenchmarks()],
  ['models', modelBenchmarks],
  ['rendering', renderingBenchmarks],
  ['handlers', () => handlerBenchmarks()],
  ['flow', () => flowBenchmarks()],
  ['inbound', () => inboundBenchmarks()],
  ['plan', () => planBenchmarks()],
] as const) {
  process.stderr.write(`running ${name} benchmarks …\n`);
  rows.push(...(await run()));
}
process.stdout.write(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n\n`,
);
process.stdout.write(`${printTable(rows)}\n`);
