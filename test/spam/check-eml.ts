// Scores every .eml in the demo's outbox with SpamAssassin's local tests (`spamassassin -L -t`),
// prints a table of each file's score and the rules that fired, and exits 1 when any scores above
// the limit. Usage: npx tsx test/spam/check-eml.ts [outbox folder] [--max 0.5]
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { forEachConcurrently } from '../../functions/core/concurrency.ts';

/** One rule that fired, with the points it added (SpamAssassin's report rounds them to 0.1). */
export interface FiredRule {
  readonly name: string;
  readonly points: number;
}

export interface EmlScore {
  readonly file: string;
  readonly score: number;
  readonly rules: readonly FiredRule[];
}

/**
 * The score and rules from `spamassassin -t` output: the X-Spam-Status header for the score and
 * the names, the report's "pts rule name" table for each rule's points.
 */
export function parseSpamReport(output: string): { score: number; rules: FiredRule[] } {
  const status = /^X-Spam-Status: \w+, score=(-?[\d.]+) required=[\d.]+ tests=([\s\S]*?)\s+autolearn=/m.exec(
    output,
  );
  if (status === null) throw new Error('spamassassin printed no X-Spam-Status header');
  const names = (status[2] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== 'none');
  const points = new Map<string, number>();
  const report = output.slice(Math.max(0, output.lastIndexOf('Content analysis details:')));
  for (const match of report.matchAll(/^\s*(-?\d+(?:\.\d+)?)\s+([A-Z][A-Z0-9_]+)\s/gm))
    points.set(match[2] ?? '', Number(match[1]));
  return {
    score: Number(status[1]),
    rules: names.map((name) => ({ name, points: points.get(name) ?? 0 })),
  };
}

/**
 * Runs `spamassassin -L -t` (local tests only, with its report) over message files: one process
 * loads the rules once and writes each message, its X-Spam headers first, in the order given.
 */
function spamassassin(paths: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('spamassassin', ['-L', '-t', ...paths], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-2_000);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`spamassassin exited with ${code}: ${err}`));
    });
  });
}

/** Splits the output of several messages at each one's first header. */
export function splitMessages(output: string): string[] {
  return output.split(/^(?=X-Spam-Checker-Version: )/m).filter((part) => part.trim() !== '');
}

/** Messages per spamassassin process: its rules load once a batch (a second or two each time). */
const batchSize = 40;

/** Every `.eml` directly in `folder`, in batches, two processes at a time (CI has two cores). */
export async function scoreFolder(folder: string, concurrency = 2): Promise<EmlScore[]> {
  const files = (await readdir(folder)).filter((name) => name.endsWith('.eml')).sort();
  const batches: string[][] = [];
  for (let at = 0; at < files.length; at += batchSize) batches.push(files.slice(at, at + batchSize));
  const scored = new Map<string, EmlScore>();
  await forEachConcurrently(batches, concurrency, async (batch) => {
    const reports = splitMessages(await spamassassin(batch.map((file) => join(folder, file))));
    if (reports.length !== batch.length)
      throw new Error(`spamassassin reported ${reports.length} messages for ${batch.length} files`);
    for (const [index, file] of batch.entries()) {
      const report = reports[index] ?? '';
      // The report must be this file's: its Message-ID, or else the output was out of step.
      const id = /^Message-ID: (.+)$/im.exec(await readFile(join(folder, file), 'utf8'))?.[1];
      if (id !== undefined && !report.includes(id))
        throw new Error(`spamassassin's report ${index + 1} of its batch is not ${file}'s`);
      scored.set(file, { file, ...parseSpamReport(report) });
    }
  });
  return files.flatMap((file) => scored.get(file) ?? []);
}

const rule = (fired: FiredRule) => `${fired.name}=${fired.points}`;

/** The table: one row per file, then a summary of how often each rule fired. */
export function formatTable(scores: readonly EmlScore[], max: number): string {
  const width = Math.max(4, ...scores.map((score) => score.file.length));
  const lines = [`${'file'.padEnd(width)}  score  rules`];
  for (const score of scores)
    lines.push(
      `${score.file.padEnd(width)}  ${score.score.toFixed(1).padStart(5)}${score.score > max ? '!' : ' '} ${score.rules.map(rule).join(', ')}`,
    );
  const fired = new Map<string, { count: number; points: number }>();
  for (const score of scores)
    for (const { name, points } of score.rules)
      fired.set(name, { count: (fired.get(name)?.count ?? 0) + 1, points });
  const over = scores.filter((score) => score.score > max).length;
  const highest = Math.max(...scores.map((score) => score.score));
  lines.push(
    '',
    `${scores.length} emails, highest score ${highest.toFixed(1)}, ${over} above ${max}`,
    ...[...fired]
      .sort(([, a], [, b]) => b.count - a.count)
      .map(
        ([name, { count, points }]) => `  ${name.padEnd(28)} ${String(points).padStart(6)} pts  in ${count}`,
      ),
  );
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { max: { type: 'string', default: '0.5' } },
    allowPositionals: true,
  });
  const folder = positionals[0] ?? '.rekindle/demo/outbox';
  const max = Number(values.max);
  if (!Number.isFinite(max)) {
    process.stderr.write(`--max must be a number, got "${values.max}"\n`);
    return 2;
  }
  const scores = await scoreFolder(folder);
  if (scores.length === 0) {
    process.stderr.write(`no .eml files in ${folder}: run the demo (npm start) first\n`);
    return 1;
  }
  process.stdout.write(`SpamAssassin (spamassassin -L -t) over ${folder}\n\n${formatTable(scores, max)}\n`);
  return scores.some((score) => score.score > max) ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main();
