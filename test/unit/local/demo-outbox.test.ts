import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerView } from '../../../functions/core/domain/customer-view.ts';
import { signLink } from '../../../functions/core/domain/links.ts';
import {
  clearOutbox,
  forwardedFolder,
  ManifestEntrySchema,
  writeOutbox,
} from '../../../functions/local/demo-outbox.ts';
import { localNames } from '../../../functions/local/local-names.ts';
import type { StoredEmail } from '../../../functions/local/ses-local.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rekindle-outbox-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sentAt = Date.parse('2026-11-24T10:15:07.250Z');
const token = signLink(
  { customerId: 'c7', enrolmentId: 'e7', stepIndex: 0, purpose: 'unsubscribe' },
  localNames.linkSigningKey,
);

const campaign: StoredEmail = {
  messageId: 'ses-1',
  from: 'Northwind Records <care@northwind.example>',
  replyTo: ['Northwind care team <r+x@reply.northwind.example>'],
  destination: { to: ['priya@customers.example'], cc: [], bcc: [] },
  subject: 'प्रिया, हमें खेद है',
  body: { html: '<p>नमस्ते</p>', text: 'नमस्ते प्रिया' },
  headers: [
    { name: 'List-Unsubscribe', value: `<https://northwind.example/u?t=${token}>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ],
  at: 1_800_000_000,
};

const forwarded: StoredEmail = {
  ...campaign,
  messageId: 'ses-2',
  destination: { to: ['care@northwind.example'], cc: [], bcc: [] },
  subject: 'Reply from Priya',
  headers: [],
};

const view: CustomerView = {
  customer: {
    customerId: 'c7',
    email: 'priya@customers.example',
    firstName: 'Priya',
    locale: 'hi',
    timeZone: 'Asia/Kolkata',
    consent: 'granted',
  },
  orders: [],
  enrolments: [
    {
      enrolmentId: 'e7',
      customerId: 'c7',
      sequenceId: 'make-it-right',
      segmentId: 'had-a-problem',
      enrolledAt: sentAt - 3_600_000,
      state: 'active',
      incidentId: 'i7',
    },
  ],
  sends: [
    {
      enrolmentId: 'e7',
      stepIndex: 0,
      customerId: 'c7',
      sequenceId: 'make-it-right',
      stepId: 'apology',
      state: 'sent',
      claimedAt: sentAt - 1_000,
      sentAt,
      messageId: 'ses-1',
      templateId: 'apology',
      locale: 'hi',
    },
  ],
  incidents: [
    {
      incidentId: 'i7',
      customerId: 'c7',
      kind: 'damaged',
      occurredAt: '2026-10-02T10:00:00.000Z',
      orderId: 'o7',
      ticketOpen: false,
    },
  ],
  engagement: [],
  status: {},
};

describe('the demo outbox', () => {
  it('clears only the files the demo writes', async () => {
    mkdirSync(join(dir, forwardedFolder));
    for (const name of [
      '0001-c1-check-in.eml',
      '0001-c1-check-in.html',
      '0001-c1-check-in.txt',
      'manifest.jsonl',
    ])
      writeFileSync(join(dir, name), 'old');
    writeFileSync(join(dir, forwardedFolder, '0001-reply.eml'), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await clearOutbox(dir);
    expect(readdirSync(dir).sort()).toEqual([forwardedFolder, 'notes.txt']);
    expect(readdirSync(join(dir, forwardedFolder))).toEqual([]);
    await clearOutbox(join(dir, 'new'));
    expect(readdirSync(join(dir, 'new'))).toEqual([]);
  });

  it('writes each email as .eml, .html and .txt with a manifest line naming its incident', async () => {
    const entries = await writeOutbox(dir, [campaign, forwarded], new Map([['c7', view]]));
    expect(readdirSync(dir).sort()).toEqual([
      '0001-c7-apology.eml',
      '0001-c7-apology.html',
      '0001-c7-apology.txt',
      forwardedFolder,
      'manifest.jsonl',
    ]);
    expect(readdirSync(join(dir, forwardedFolder)).sort()).toEqual([
      '0001-reply.eml',
      '0001-reply.html',
      '0001-reply.txt',
    ]);
    const lines = readFileSync(join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((line) => ManifestEntrySchema.parse(JSON.parse(line)))).toEqual(entries);
    expect(entries).toEqual([
      {
        files: { eml: '0001-c7-apology.eml', html: '0001-c7-apology.html', txt: '0001-c7-apology.txt' },
        messageId: 'ses-1',
        to: 'priya@customers.example',
        customerId: 'c7',
        segment: 'had-a-problem',
        sequence: 'make-it-right',
        step: 'apology',
        stepIndex: 0,
        template: 'apology',
        locale: 'hi',
        subject: 'प्रिया, हमें खेद है',
        sentAt: '2026-11-24T10:15:07.250Z',
        incident: { id: 'i7', kind: 'damaged', order: 'o7', occurredAt: '2026-10-02T10:00:00.000Z' },
      },
    ]);
    const email = await PostalMime.parse(readFileSync(join(dir, '0001-c7-apology.eml')));
    expect(email.subject).toBe(campaign.subject);
    expect(email.date).toBe('2026-11-24T10:15:07.000Z');
    expect(email.replyTo).toEqual([{ name: 'Northwind care team', address: 'r+x@reply.northwind.example' }]);
    expect(email.html).toBe('<p>नमस्ते</p>');
    expect(readFileSync(join(dir, '0001-c7-apology.txt'), 'utf8')).toContain('Subject: प्रिया, हमें खेद है\n');
  });

  it('finds a send whose message id was never recorded by its signed link, and names no incident without one', async () => {
    const [send] = view.sends;
    const [enrolment] = view.enrolments;
    if (send === undefined || enrolment === undefined) throw new Error('fixture');
    const unrecorded: CustomerView = {
      ...view,
      enrolments: [{ ...enrolment, incidentId: undefined }],
      sends: [{ ...send, state: 'claimed', sentAt: undefined, messageId: undefined }],
    };
    const [entry] = await writeOutbox(dir, [campaign], new Map([['c7', unrecorded]]));
    expect(entry?.sentAt).toBe(new Date(sentAt - 1_000).toISOString());
    expect(entry?.incident).toBeNull();
  });
});
