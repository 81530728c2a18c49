import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { forEachConcurrently } from '../core/concurrency.ts';
import type { CustomerView } from '../core/domain/customer-view.ts';
import type { SendRecord } from '../core/domain/send-record.ts';
import { buildMime } from './eml.ts';
import { claimsOf } from './recipient-simulator.ts';
import type { StoredEmail } from './ses-local.ts';

/** One line of the outbox's `manifest.jsonl`: an email's files and what it was sent for. */
export const ManifestEntrySchema = z.object({
  /** File names in the outbox folder. */
  files: z.object({ eml: z.string(), html: z.string(), txt: z.string() }),
  messageId: z.string(),
  to: z.string(),
  customerId: z.string(),
  segment: z.string(),
  sequence: z.string(),
  step: z.string(),
  stepIndex: z.number().int(),
  template: z.string().nullable(),
  locale: z.string().nullable(),
  subject: z.string(),
  /** When it was sent, in the demo's virtual time (ISO 8601, UTC). */
  sentAt: z.string(),
  /** The incident the enrolment was matched on, which the email names; null when none. */
  incident: z
    .object({
      id: z.string(),
      kind: z.string(),
      order: z.string().nullable(),
      occurredAt: z.string().nullable(),
    })
    .nullable(),
});
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

/** The folder of replies forwarded to the support address, inside the outbox. */
export const forwardedFolder = 'forwarded';

/** What the demo writes into its outbox folder; only these are removed when it is cleared. */
const ownFile = /^(\d{4,}-.+\.(eml|html|txt)|manifest\.jsonl)$/;

/**
 * Removes the previous run's emails and manifest from `outDir` (creating it if need be). Only the
 * files the demo writes: an `--out` pointing at a folder of other things loses none of them.
 */
export async function clearOutbox(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  for (const folder of [outDir, join(outDir, forwardedFolder)]) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error: unknown) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') continue;
      throw error;
    }
    await Promise.all(names.filter((name) => ownFile.test(name)).map((name) => rm(join(folder, name))));
  }
}

/** File-name safe: ids keep letters, digits, dot, dash and underscore. */
const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');

interface Sent {
  readonly email: StoredEmail;
  /** The customer and send record it went out for; none for a reply forwarded to support. */
  readonly sent: { readonly view: CustomerView; readonly send: SendRecord } | undefined;
}

/**
 * The send record of each email: by SES message id, or, for a send whose process died before it
 * recorded the id, by the enrolment and step in its signed unsubscribe link.
 */
function sendsOf(emails: readonly StoredEmail[], views: ReadonlyMap<string, CustomerView>): Sent[] {
  const byMessage = new Map<string, { view: CustomerView; send: SendRecord }>();
  for (const view of views.values())
    for (const send of view.sends)
      if (send.messageId !== undefined) byMessage.set(send.messageId, { view, send });
  return emails.map((email) => {
    const found = byMessage.get(email.messageId);
    if (found !== undefined) return { email, sent: found };
    const claims = claimsOf(email);
    const view = claims === undefined ? undefined : views.get(claims.customerId);
    const send = view?.sends.find(
      (candidate) =>
        candidate.enrolmentId === claims?.enrolmentId && candidate.stepIndex === claims.stepIndex,
    );
    return { email, sent: view === undefined || send === undefined ? undefined : { view, send } };
  });
}

/**
 * Writes each email as SES would send it (`<n>-<customer>-<step>.eml`, every header) beside its HTML
 * and a readable text file, and `manifest.jsonl` with a line per campaign email. Campaign emails are
 * numbered in send order; replies forwarded to support (no send record) go to `forwarded/`.
 */
export async function writeOutbox(
  outDir: string,
  emails: readonly StoredEmail[],
  views: ReadonlyMap<string, CustomerView>,
): Promise<ManifestEntry[]> {
  const all = sendsOf(emails, views);
  const campaign = all.filter((entry) => entry.sent !== undefined);
  const forwarded = all.filter((entry) => entry.sent === undefined);
  await mkdir(outDir, { recursive: true });
  if (forwarded.length > 0) await mkdir(join(outDir, forwardedFolder), { recursive: true });

  const manifest: (ManifestEntry | undefined)[] = Array.from({ length: campaign.length }, () => undefined);
  // A few at a time: tens of thousands of files opened at once run out of file descriptors.
  await forEachConcurrently(campaign, 16, async ({ email, sent }, index) => {
    if (sent === undefined) return;
    const { view, send } = sent;
    const sentAt = send.sentAt ?? send.claimedAt;
    const base = `${String(index + 1).padStart(4, '0')}-${safe(view.customer.customerId)}-${safe(send.stepId)}`;
    const files = { eml: `${base}.eml`, html: `${base}.html`, txt: `${base}.txt` };
    await writeEmail(outDir, files, email, sentAt);
    const enrolment = view.enrolments.find((candidate) => candidate.enrolmentId === send.enrolmentId);
    const incident =
      enrolment?.incidentId === undefined
        ? undefined
        : view.incidents.find((candidate) => candidate.incidentId === enrolment.incidentId);
    manifest[index] = {
      files,
      messageId: email.messageId,
      to: email.destination.to.join(', '),
      customerId: view.customer.customerId,
      segment: enrolment?.segmentId ?? '',
      sequence: send.sequenceId,
      step: send.stepId,
      stepIndex: send.stepIndex,
      template: send.templateId ?? null,
      locale: send.locale ?? null,
      subject: email.subject,
      sentAt: new Date(sentAt).toISOString(),
      incident:
        enrolment?.incidentId === undefined
          ? null
          : {
              id: enrolment.incidentId,
              kind: incident?.kind ?? 'unknown',
              order: incident?.orderId ?? null,
              occurredAt: incident?.occurredAt ?? null,
            },
    };
  });
  await forEachConcurrently(forwarded, 16, async ({ email }, index) => {
    const base = `${String(index + 1).padStart(4, '0')}-reply`;
    const files = { eml: `${base}.eml`, html: `${base}.html`, txt: `${base}.txt` };
    await writeEmail(join(outDir, forwardedFolder), files, email, email.at * 1_000);
  });
  const entries = manifest.filter((entry) => entry !== undefined);
  await writeFile(
    join(outDir, 'manifest.jsonl'),
    entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''),
  );
  return entries;
}

async function writeEmail(
  folder: string,
  files: { eml: string; html: string; txt: string },
  email: StoredEmail,
  sentAt: number,
): Promise<void> {
  const eml = buildMime({
    from: email.from,
    to: email.destination.to,
    replyTo: email.replyTo,
    subject: email.subject,
    date: sentAt,
    messageId: email.messageId,
    headers: email.headers ?? [],
    ...(email.body.text === undefined ? {} : { text: email.body.text }),
    ...(email.body.html === undefined ? {} : { html: email.body.html }),
  });
  const headers = (email.headers ?? []).map((header) => `${header.name}: ${header.value}`);
  const readable = [
    `From: ${email.from}`,
    `To: ${email.destination.to.join(', ')}`,
    ...(email.replyTo.length > 0 ? [`Reply-To: ${email.replyTo.join(', ')}`] : []),
    `Subject: ${email.subject}`,
    ...headers,
    '',
    email.body.text ?? '',
    '',
  ].join('\n');
  await Promise.all([
    writeFile(join(folder, files.eml), eml),
    writeFile(join(folder, files.html), email.body.html ?? ''),
    writeFile(join(folder, files.txt), readable),
  ]);
}
