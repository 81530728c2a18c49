import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of functions/core and ports, lowest first (docs/architecture.md, "Layers"): a file may
 * import its own layer and the layers before it, never one after it. `core` is the loose files at
 * the top of functions/core (small helpers with no imports of their own).
 */
const layers = [
  'core',
  'core/customers',
  'core/config',
  'core/domain',
  'ports',
  'core/import',
  'core/model',
  'core/sequences',
  'core/policy',
  'core/segments',
  'core/rendering',
  'core/sending',
  'core/engagement',
  'core/inbound',
  'core/reporting',
  'core/planning',
] as const;

/** Packages the core never imports: it runs the same with or without AWS. */
const forbiddenPackages =
  /^(@aws-sdk\/|@smithy\/|@aws-lambda-powertools\/|aws-lambda$|aws-cdk-lib|constructs$)/;

interface SourceFile {
  /** Relative to the repository, with forward slashes: `functions/core/domain/links.ts`. */
  readonly path: string;
  readonly source: string;
}

/** The layer of a file under functions/, or undefined for the outer rings (adapters, handlers, local, cli, build). */
function layerOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'functions') return undefined;
  if (parts[1] === 'ports') return 'ports';
  if (parts[1] !== 'core') return undefined;
  return parts.length === 3 ? 'core' : `core/${parts[2]}`;
}

/** Source without comments, so a comment naming `process.env` or a class is not read as code. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** Every module specifier the file imports or re-exports, static or dynamic. */
function importsOf(source: string): string[] {
  const code = withoutComments(source);
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm;
  return [...code.matchAll(pattern)].map((match) => match[2] ?? '');
}

/** Why each file breaks the layering, one line per file and import. */
function layerViolations(files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    if (from === undefined) continue;
    const rank = layers.indexOf(from as (typeof layers)[number]);
    if (rank < 0) {
      problems.push(`${file.path}: folder ${from} has no place in the declared layers`);
      continue;
    }
    const code = withoutComments(file.source);
    for (const specifier of importsOf(file.source)) {
      if (!specifier.startsWith('.')) {
        if (forbiddenPackages.test(specifier))
          problems.push(`${file.path}: imports ${specifier} (the core knows no AWS)`);
        continue;
      }
      const target = posix.normalize(posix.join(posix.dirname(file.path), specifier));
      const to = layerOf(target);
      if (to === undefined) {
        problems.push(`${file.path}: imports ${specifier}, outside functions/core and functions/ports`);
        continue;
      }
      const targetRank = layers.indexOf(to as (typeof layers)[number]);
      if (targetRank > rank)
        problems.push(`${file.path}: imports ${specifier}, in ${to}, a layer above ${from}`);
    }
    if (/\bprocess\.env\b/.test(code)) problems.push(`${file.path}: reads process.env`);
    if (from === 'ports') problems.push(...implementationsIn(file.path, code));
  }
  return problems;
}

/** A port is interfaces and the types they need: no class, function, value or runtime import. */
function implementationsIn(path: string, code: string): string[] {
  const found: string[] = [];
  const rules: [RegExp, string][] = [
    [/^\s*(export\s+)?(default\s+)?(abstract\s+)?class\s+(\w+)/gm, 'a class'],
    [/^\s*(export\s+)?(default\s+)?(async\s+)?function\b\*?\s*(\w*)/gm, 'a function'],
    [/^\s*(export\s+)?(const|let|var|enum)\s+(\w+)/gm, 'a value'],
    [/^\s*import\s+(?!type\b)[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, 'a runtime import'],
  ];
  for (const [pattern, what] of rules) {
    for (const match of code.matchAll(pattern)) {
      found.push(`${path}: holds ${what} (${match[0].trim()}); ports hold interfaces and types only`);
    }
  }
  return found;
}

const root = fileURLToPath(new URL('../../..', import.meta.url));

function sourcesUnder(folder: string): SourceFile[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => {
      const path = posix.join(folder, name.split('\\').join('/'));
      return { path, source: readFileSync(join(root, path), 'utf8') };
    });
}

describe('the layers of functions/core', () => {
  it('every core folder and ports import only their own layer or those below, and ports hold no implementation', () => {
    const files = sourcesUnder('functions');

    expect(files.filter((file) => layerOf(file.path) !== undefined).length).toBeGreaterThan(50);
    expect(layerViolations(files)).toEqual([]);
  });

  it('every declared layer still exists', () => {
    const present = new Set(sourcesUnder('functions').map((file) => layerOf(file.path)));

    expect(layers.filter((layer) => !present.has(layer))).toEqual([]);
  });
});

describe('layerViolations', () => {
  const file = (path: string, source: string): SourceFile => ({ path, source });

  it('names a core folder importing a layer above it', () => {
    const problems = layerViolations([
      file('functions/core/domain/links.ts', "import { sendStep } from '../sending/send-step.ts';"),
      file('functions/core/policy/decide.ts', "const { x } = await import('../segments/run-segmenter.ts');"),
      file(
        'functions/ports/mailer.ts',
        "import type { StepContent } from '../core/sending/step-content.ts';",
      ),
    ]);

    expect(problems).toEqual([
      'functions/core/domain/links.ts: imports ../sending/send-step.ts, in core/sending, a layer above core/domain',
      'functions/core/policy/decide.ts: imports ../segments/run-segmenter.ts, in core/segments, a layer above core/policy',
      'functions/ports/mailer.ts: imports ../core/sending/step-content.ts, in core/sending, a layer above ports',
    ]);
  });

  it('lets a layer import itself and the layers below it', () => {
    const problems = layerViolations([
      file(
        'functions/core/sending/send-step.ts',
        [
          "import type { Clock } from '../../ports/clock.ts';",
          "import { planStep } from '../domain/enrolment.ts';",
          "import { stepContent } from './step-content.ts';",
          "import { redactAddresses } from '../redact.ts';",
          "import { z } from 'zod';",
        ].join('\n'),
      ),
      file(
        'functions/ports/customer-store.ts',
        "import type { SendRecord } from '../core/domain/send-record.ts';",
      ),
    ]);

    expect(problems).toEqual([]);
  });

  it('names an implementation in ports', () => {
    const problems = layerViolations([
      file(
        'functions/ports/clock.ts',
        [
          "import { AsyncLocalStorage } from 'node:async_hooks';",
          '/** A class named in a comment is fine: class Foo {} */',
          'export interface Clock { now(): number }',
          'export const systemClock: Clock = { now: () => Date.now() };',
          'export class VirtualClock implements Clock {}',
          'export function later(): number { return 1; }',
        ].join('\n'),
      ),
    ]);

    expect(problems).toEqual([
      'functions/ports/clock.ts: holds a class (export class VirtualClock); ports hold interfaces and types only',
      'functions/ports/clock.ts: holds a function (export function later); ports hold interfaces and types only',
      'functions/ports/clock.ts: holds a value (export const systemClock); ports hold interfaces and types only',
      "functions/ports/clock.ts: holds a runtime import (import { AsyncLocalStorage } from 'node:async_hooks'); ports hold interfaces and types only",
    ]);
  });

  it('names core code reaching the outer rings, AWS or the environment', () => {
    const problems = layerViolations([
      file(
        'functions/core/sending/send-step.ts',
        "import { SesMailer } from '../../adapters/ses/ses-mailer.ts';",
      ),
      file('functions/core/inbound/receive-reply.ts', "import { env } from '../../handlers/environment.ts';"),
      file(
        'functions/core/segments/plan-run.ts',
        "import { VirtualClock } from '../../local/virtual-clock.ts';",
      ),
      file(
        'functions/core/reporting/build-report.ts',
        "import { SendEmailCommand } from '@aws-sdk/client-sesv2';",
      ),
      file(
        'functions/core/config/load.ts',
        '// process.env is never read here\nconst table = process.env.TABLE_NAME;',
      ),
    ]);

    expect(problems).toEqual([
      'functions/core/sending/send-step.ts: imports ../../adapters/ses/ses-mailer.ts, outside functions/core and functions/ports',
      'functions/core/inbound/receive-reply.ts: imports ../../handlers/environment.ts, outside functions/core and functions/ports',
      'functions/core/segments/plan-run.ts: imports ../../local/virtual-clock.ts, outside functions/core and functions/ports',
      'functions/core/reporting/build-report.ts: imports @aws-sdk/client-sesv2 (the core knows no AWS)',
      'functions/core/config/load.ts: reads process.env',
    ]);
  });

  it('names a core folder that has no declared layer', () => {
    expect(layerViolations([file('functions/core/billing/invoice.ts', '')])).toEqual([
      'functions/core/billing/invoice.ts: folder core/billing has no place in the declared layers',
    ]);
  });
});
