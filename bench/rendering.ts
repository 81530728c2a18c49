import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import mjml2html from 'mjml';
import { compileTemplates } from '../functions/build/compile-templates.ts';
import { parseConfig } from '../functions/core/config/load.ts';
import type { CompiledTemplate } from '../functions/core/rendering/compiled-template.ts';
import { composeEmail } from '../functions/core/rendering/compose-email.ts';
import { shopVariables } from '../functions/core/rendering/content-variables.ts';
import { renderEmail } from '../functions/core/rendering/render.ts';
import { previewSamples } from '../functions/local/preview/samples.ts';
import { type BenchRow, printTable } from './table.ts';

const AREA = 'rendering';

/** The sender as the stack bundles it, in memory: its size and every input esbuild pulled in. */
export async function bundleSender(
  entry = 'functions/handlers/send-step.ts',
): Promise<{ bytes: number; inputs: string[] }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    external: ['@aws-sdk/*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles.reduce((sum, file) => sum + file.contents.byteLength, 0);
  return { bytes, inputs: Object.keys(result.metafile.inputs) };
}

/** Emails per second of `body` over at least `minSeconds`, after a warm-up. Single-threaded: one core. */
async function rate(body: (i: number) => Promise<unknown>, minSeconds: number): Promise<number> {
  for (let i = 0; i < 50; i += 1) await body(i);
  let count = 0;
  const start = performance.now();
  while ((performance.now() - start) / 1000 < minSeconds) {
    await body(count);
    count += 1;
  }
  return count / ((performance.now() - start) / 1000);
}

/**
 * Personalised emails per second on one core: the shipped path (Liquid over MJML compiled at
 * build, variables, signed links, plain text) against compiling the MJML for every email; and the
 * size of the sender bundle, which must not contain mjml.
 */
export async function renderingBenchmarks(): Promise<BenchRow[]> {
  const configFile = 'config/rekindle.yaml';
  const parsed = parseConfig(await readFile(configFile, 'utf8'), configFile);
  if (!parsed.ok) throw new Error(`invalid ${configFile}`);
  const config = parsed.config;
  const templates = await compileTemplates('templates');
  const links = { unsubscribeUrl: 'https://shop.example/unsubscribe', signingKey: 'bench-key' };
  const step = { id: 'apology', template: 'apology', delay: 0, promotional: false };
  const compose = (i: number) => {
    const sample = previewSamples[i % previewSamples.length] ?? previewSamples[0];
    if (sample === undefined) throw new Error('no sample customers');
    const locale = ['en', 'hi', 'gu', 'si'][i % 4] ?? 'en';
    return composeEmail({
      view: {
        ...sample.view,
        customer: { ...sample.view.customer, customerId: `c${i}`, firstName: `Customer ${i}`, locale },
      },
      message: {
        version: 1,
        customerId: `c${i}`,
        enrolmentId: `bench-${i}`,
        sequenceId: 'bench',
        segmentId: 'bench',
        stepIndex: 0,
        dueAt: 0,
      },
      step,
      config,
      templates,
      links,
    });
  };
  const compiledRate = await rate(compose, 3);

  const source = await readFile('templates/apology/en.mjml', 'utf8');
  const body = source.replace(/^---\n[\s\S]*?\n---\n/, '');
  const compiledOnce = templates['apology/en'];
  if (compiledOnce === undefined) throw new Error('templates/apology/en.mjml missing');
  const perEmailRate = await rate(async (i) => {
    const { html } = await mjml2html(body, {
      validationLevel: 'strict',
      filePath: 'templates/apology/en.mjml',
      ignoreIncludes: false,
      includePath: process.cwd(),
      fonts: {},
    });
    // A fresh object, so the renderer's parse cache cannot help: this is the compile-per-email path.
    const template: CompiledTemplate = { ...compiledOnce, html };
    return renderEmail(template, {
      customer: { id: `c${i}`, firstName: `Customer ${i}`, email: 'c@example.com' },
      shop: shopVariables(config.shop, 'en'),
      unsubscribeUrl: links.unsubscribeUrl,
      tracking: { opens: false, clicks: false },
      incident: null,
      incidents: [],
    });
  }, 3);

  const bundle = await bundleSender();
  const mjmlInputs = bundle.inputs.filter((input) => /node_modules\/mjml/.test(input)).length;
  return [
    {
      area: AREA,
      case: 'compose + render, MJML compiled at build (4 locales, incidents, updates)',
      value: compiledRate,
      unit: 'emails/s/core',
      target: '≥ 2,000',
    },
    {
      area: AREA,
      case: 'MJML compiled for every email, then rendered',
      value: perEmailRate,
      unit: 'emails/s/core',
      reference: `${(compiledRate / perEmailRate).toFixed(0)}× slower`,
    },
    {
      area: AREA,
      case: 'sender bundle (send-step, minified, node22)',
      value: bundle.bytes / 1024,
      unit: 'KB',
      target: '< 1,024',
    },
    { area: AREA, case: 'mjml modules in the sender bundle', value: mjmlInputs, unit: 'files', target: '0' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${printTable(await renderingBenchmarks())}\n`);
}
