import { INBOUND_LIMITS, inboundLimitExceeded, parseReply } from '../functions/core/inbound/parse-reply.ts';
import { extractNewText } from '../functions/core/inbound/reply-text.ts';
import { type BenchRow, printTable } from './table.ts';

const AREA = 'inbound';
const MiB = 1024 * 1024;

/** Headers of about `bytes`, with a Subject folded over many lines of `unsubscribe-` (the old mailto regex's worst case). */
function headers(bytes: number, contentType = 'text/plain; charset=utf-8'): string {
  const fold = `\r\n ${'unsubscribe-'.repeat(6)}`;
  const subject = `Subject: Re: unsubscribe-${fold.repeat(Math.max(0, Math.floor(bytes / fold.length)))}`;
  return `From: Asha <asha@example.com>\r\nTo: r+0.abc.def@reply.example\r\n${subject}\r\nContent-Type: ${contentType}\r\n\r\n`;
}

/** The largest of each hostile shape that is still within every limit, so it is parsed rather than refused. */
function worstMessages(): { name: string; raw: Uint8Array }[] {
  const headerRoom = INBOUND_LIMITS.headerBytes - 4_096;
  const bodyLines = INBOUND_LIMITS.lines - Math.ceil(headerRoom / 75) - 10;
  const oneMiBLines = Math.floor(INBOUND_LIMITS.bodyBytes / INBOUND_LIMITS.lineBytes) - 1;
  const parts = INBOUND_LIMITS.boundaryLines - 2;
  const multipart = `${Array.from({ length: parts }, (_, index) => `--b\r\nContent-Type: text/plain\r\n\r\n> quoted ${index}\r\n`).join('')}--b--\r\n`;
  return [
    {
      name: `${bodyLines.toLocaleString('en')} short lines after 1 MiB of folded Subject`,
      raw: Buffer.from(headers(headerRoom) + 'hi there \r\n'.repeat(bodyLines)),
    },
    {
      name: `flowed: ${(INBOUND_LIMITS.lines - 20).toLocaleString('en')} soft-broken quoted lines`,
      raw: Buffer.from(
        headers(1_000, 'text/plain; charset=utf-8; format=flowed') +
          '> a b \r\n'.repeat(INBOUND_LIMITS.lines - 20),
      ),
    },
    {
      name: `${oneMiBLines} lines of just under 1 MiB (${((oneMiBLines * INBOUND_LIMITS.lineBytes) / MiB).toFixed(0)} MiB)`,
      raw: Buffer.from(
        headers(1_000) + `${'a'.repeat(INBOUND_LIMITS.lineBytes - 10)}\r\n`.repeat(oneMiBLines),
      ),
    },
    {
      name: `HTML-only: ${oneMiBLines} lines of <br> and nested <blockquote>`,
      raw: Buffer.from(
        headers(1_000, 'text/html; charset=utf-8') +
          `${'<blockquote><br>x<a href="https://x">'.repeat(Math.floor((INBOUND_LIMITS.lineBytes - 10) / 37))}\r\n`.repeat(
            oneMiBLines,
          ),
      ),
    },
    {
      name: `${parts} MIME parts`,
      raw: Buffer.from(headers(1_000, 'multipart/mixed; boundary=b') + multipart),
    },
  ];
}

/** Seconds to check the limits, parse and extract the new text of `raw`; the slowest of `runs`. */
async function worstTime(raw: Uint8Array, runs: number): Promise<number> {
  let worst = 0;
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    const exceeded = inboundLimitExceeded(raw);
    if (exceeded !== undefined) throw new Error(`bench message over the limits: ${exceeded}`);
    const parsed = await parseReply(raw);
    extractNewText(parsed.body);
    /(?<![A-Za-z0-9_-])unsubscribe-([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(parsed.subject);
    worst = Math.max(worst, (performance.now() - start) / 1000);
  }
  return worst;
}

/**
 * The worst inbound mail within the limits (docs/engagement.md, "Limits"): each parses, with its new
 * text extracted, in well under a second, so no message can time out the function.
 */
export async function inboundBenchmarks(runs = 3): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const { name, raw } of worstMessages()) {
    rows.push({
      area: AREA,
      case: `parse + new text, ${name} (${(raw.length / MiB).toFixed(1)} MiB)`,
      value: await worstTime(raw, runs),
      unit: 's',
      target: '< 1 s',
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  inboundBenchmarks().then(
    (rows) => process.stdout.write(`${printTable(rows)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
