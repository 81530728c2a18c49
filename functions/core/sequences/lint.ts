import { LineCounter, parseDocument } from 'yaml';
import type { RekindleConfig } from '../config/schema.ts';

/** Something allowed but unwise, placed at its file, line and column (1-based). */
export interface LintWarning {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** A text file to check: a template's MJML source or the config. */
export interface LintSource {
  readonly file: string;
  readonly text: string;
}

/** Words shouting in capitals that are fine: acronyms a shop may well use. */
const allowedCapitals = new Set([
  'HTML',
  'MJML',
  'HTTP',
  'HTTPS',
  'FAQ',
  'USA',
  'UK',
  'EU',
  'GMT',
  'UTC',
  'VAT',
  'ASAP',
  'PDF',
  'SMS',
]);
const pushyPhrases: readonly { pattern: RegExp; label: string }[] = [
  { pattern: /\blast chance\b/i, label: '"last chance"' },
  { pattern: /\bact now\b/i, label: '"act now"' },
  { pattern: /\bhurry\b/i, label: '"hurry"' },
  { pattern: /\bfinal (notice|warning)\b/i, label: '"final notice"' },
  { pattern: /\blimited time\b/i, label: '"limited time"' },
  { pattern: /!{2,}/, label: '"!!"' },
];

/** Markup and Liquid are not wording: blank them out, keeping columns. */
const blank = (text: string) =>
  text.replace(/<[^>]*>|{{[^}]*}}|{%[^%]*%}/g, (match) => ' '.repeat(match.length));

/**
 * Pushy wording in subjects and bodies: ALL CAPS words, "last chance", "act now", "!!!" and the
 * like. A respectful win-back does not shout; these are warnings, never errors.
 */
export function lintWording(sources: readonly LintSource[]): LintWarning[] {
  const warnings: LintWarning[] = [];
  for (const { file, text } of sources) {
    text.split('\n').forEach((raw, index) => {
      const line = blank(raw);
      const where = (column: number) => ({ file, line: index + 1, column: column + 1 });
      for (const { pattern, label } of pushyPhrases) {
        const match = pattern.exec(line);
        if (match !== null) warnings.push({ ...where(match.index), message: `pushy wording ${label}` });
      }
      for (const match of line.matchAll(/\b[A-Z][A-Z'’]{3,}\b/g)) {
        if (allowedCapitals.has(match[0])) continue;
        warnings.push({ ...where(match.index), message: `ALL CAPS "${match[0]}" reads as shouting` });
      }
    });
  }
  return warnings;
}

/**
 * Config choices that validate but are unwise: a step conditioned on opens (Apple Mail Privacy
 * Protection opens every email it receives, so "opened" is mostly noise).
 */
export function lintConfig(config: RekindleConfig, source: LintSource): LintWarning[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(source.text, { lineCounter });
  const warnings: LintWarning[] = [];
  config.sequences.forEach((sequence, sequenceIndex) => {
    sequence.steps.forEach((step, stepIndex) => {
      if (step.when?.opened === undefined) return;
      const path = ['sequences', sequenceIndex, 'steps', stepIndex, 'when', 'opened'];
      const node = document.getIn(path, true) as { range?: readonly number[] } | undefined;
      const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
      warnings.push({
        file: source.file,
        line,
        column: col,
        message: `step "${step.id}" of "${sequence.id}" depends on opens, which Apple Mail Privacy Protection makes unreliable; prefer clicked, replied or purchased`,
      });
    });
  });
  return warnings;
}
