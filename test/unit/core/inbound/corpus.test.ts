import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyInbound } from '../../../../functions/core/inbound/classify.ts';
import { parseReply } from '../../../../functions/core/inbound/parse-reply.ts';
import { receiveReply, replyAddressFor } from '../../../../functions/core/inbound/receive-reply.ts';
import { extractNewText } from '../../../../functions/core/inbound/reply-text.ts';
import { replyDomain, replyKey, replySetup } from './reply-setup.ts';

/** 632 real bounces, feedback reports and auto-replies (sisimai, BSD-2-Clause; see its README). */
const folder = 'test/fixtures/inbound/sisimai';
const labels: Record<string, string> = JSON.parse(readFileSync(`${folder}/labels.json`, 'utf8'));
const corpus = Object.entries(labels).map(([file, label]) => ({
  file,
  label,
  raw: new Uint8Array(readFileSync(`${folder}/${file}`)),
}));

const key = replyKey;
const domain = replyDomain;
/** The worst case: every message comes back to a valid reply address of a customer whose address it names. */
const setup = (customerEmail: string) => replySetup({ customerEmail });

describe('the real corpus of machine mail', () => {
  it('holds 632 labelled messages', () => {
    expect(corpus).toHaveLength(632);
  });

  it('classifies none as a human reply or an unsubscribe request, bounces as bounces and reports as reports', async () => {
    const confusion: Record<string, number> = {};
    const human: string[] = [];
    for (const { file, label, raw } of corpus) {
      const parsed = await parseReply(raw);
      const found = classifyInbound({ ...parsed, newText: extractNewText(parsed.body), raw });
      const cell = `${label} -> ${found.class}`;
      confusion[cell] = (confusion[cell] ?? 0) + 1;
      if (found.class === 'human-reply' || found.class === 'unsubscribe-request') human.push(file);
    }
    expect(human).toEqual([]);
    // Measured; a change to the rules that moves these numbers should be looked at (docs/engagement.md).
    expect(confusion).toEqual({
      'bounce -> bounce': 601,
      'bounce -> feedback-report': 1,
      'bounce -> other': 4,
      'feedback-report -> feedback-report': 17,
      'auto-reply -> auto-reply': 6,
      'auto-reply -> bounce': 1,
      'other -> other': 2,
    });
  });

  it('never ends an enrolment as a reply or forwards, and every permanent bounce of the customer suppresses them', async () => {
    let suppressedBounces = 0;
    let permanentBounces = 0;
    let complaints = 0;
    for (const [index, { file, label, raw }] of corpus.entries()) {
      const parsed = await parseReply(raw);
      const found = classifyInbound({ ...parsed, newText: extractNewText(parsed.body), raw });
      const permanent = found.bounced?.find((entry) => entry.permanent)?.address;
      const { stores, mailer, enrolments, deps } = setup(permanent ?? 'asha@example.com');
      const to = replyAddressFor({ customerId: 'lapsed-1', stepIndex: 0 }, key, domain) ?? '';
      const outcome = await receiveReply(
        {
          mailId: `m${index}`,
          s3Key: `inbound/${file}`,
          receivedAt: 1,
          recipients: [to],
          size: raw.length,
          raw,
        },
        deps,
      );
      expect({ file, kind: outcome.kind }).toMatchObject({
        file,
        kind: expect.stringMatching(/^(rejected|auto-reply)$/),
      });
      expect({ file, sent: mailer.sent.length }).toEqual({ file, sent: 0 });
      expect([...stores.ledger.events.values()].filter((event) => event.type === 'reply')).toEqual([]);
      expect([...enrolments.ended.values()].filter((reason) => reason === 'reply')).toEqual([]);
      expect(stores.contacts.statuses.get('lapsed-1')?.unsubscribedAt).toBeUndefined();
      if (permanent !== undefined) {
        permanentBounces += 1;
        if (stores.contacts.suppressions.get(permanent)?.reason === 'hard-bounce') suppressedBounces += 1;
      }
      if (
        label === 'feedback-report' &&
        stores.contacts.suppressions.get('asha@example.com')?.reason === 'complaint'
      )
        complaints += 1;
    }
    // 266 name the address in a delivery-status part, 175 more only in the notice's prose (qmail, Exim…).
    expect(permanentBounces).toBeGreaterThan(430);
    expect(suppressedBounces).toBe(permanentBounces);
    expect(complaints).toBe(17);
  });
});
