// Scores every template × locale with SpamAssassin's local tests, as the raw message SES would send
// (multipart text + HTML, Reply-To, List-Unsubscribe) to two sample customers: one with a damaged
// parcel put right, one with no recorded problem. Usage: npx tsx test/support/spam-score.ts
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileTemplates } from '../../functions/build/compile-templates.ts';
import { composeEmail } from '../../functions/core/rendering/compose-email.ts';
import { buildMime } from '../../functions/local/eml.ts';
import { previewSamples } from '../../functions/local/preview/samples.ts';
import { type EmlScore, formatTable, scoreFolder } from '../spam/check-eml.ts';
import { links, loadConfig, message } from '../unit/core/rendering/fixtures.ts';

/** The samples each template is scored for: every branch a footer or greeting may take differs little. */
const sampleIds = ['damaged-resolved', 'no-incident'];

/** One score per `<template>.<locale>.<sample>.eml`, sorted by file name. */
export async function scoreTemplates(templatesDir = 'templates'): Promise<EmlScore[]> {
  const catalog = await compileTemplates(templatesDir);
  const config = loadConfig({ replyDomain: 'reply.northwind.example' });
  const folder = await mkdtemp(join(tmpdir(), 'rekindle-spam-'));
  try {
    for (const [key, template] of Object.entries(catalog)) {
      for (const sample of previewSamples.filter((candidate) => sampleIds.includes(candidate.id))) {
        const view = { ...sample.view, customer: { ...sample.view.customer, locale: template.locale } };
        const step = { id: 'step', template: template.id, delay: 0, promotional: false };
        const enrolled = {
          ...message,
          customerId: view.customer.customerId,
          enrolmentId: `preview-${sample.id}`,
        };
        const email = await composeEmail({
          view,
          message: enrolled,
          step,
          config,
          templates: catalog,
          links,
        });
        const name = `${key.replace('/', '.')}.${sample.id}`;
        const raw = buildMime({
          from: email.from,
          to: [email.to],
          replyTo: email.replyTo,
          subject: email.subject,
          date: Date.UTC(2026, 2, 3, 10, 0, 0),
          messageId: `0102019${name.replace(/[^a-z0-9]/gi, '')}`,
          headers: email.headers,
          text: email.text,
          html: email.html,
        });
        await writeFile(join(folder, `${name}.eml`), raw);
      }
    }
    return await scoreFolder(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${formatTable(await scoreTemplates(), 0.5)}\n`);
}
