import { describe, expect, it } from 'vitest';
import { signLink } from '../../../../functions/core/domain/links.ts';
import { type InboundMail, receiveReply } from '../../../../functions/core/inbound/receive-reply.ts';
import type { MemoryForgotten } from '../../../support/memory-forgotten.ts';
import { replyAddress, replyClaims, replyEnrolmentId, replyKey, replySetup } from './reply-setup.ts';

const key = replyKey;
const enrolmentId = replyEnrolmentId;
const claims = replyClaims;
const address = replyAddress;
const setup = replySetup;

const mail = (headers: string, text: string, recipients = [address]): InboundMail => {
  const raw = Buffer.from(
    `From: Asha <asha@example.com>\r\nTo: ${recipients[0]}\r\n${headers}Content-Type: text/plain; charset=utf-8\r\n\r\n${text}`,
  );
  return {
    mailId: 'mail-1',
    s3Key: 'inbound/mail-1',
    receivedAt: Date.parse('2026-12-01T10:15:02Z'),
    recipients,
    size: raw.length,
    raw: new Uint8Array(raw),
  };
};
const quoted =
  '\r\n\r\nOn Mon, 30 Nov 2026 at 09:00, Northwind <care@northwind.example> wrote:\r\n> Hello Asha\r\n';

/** An abuse report (ARF, RFC 5965) about our mail, sent to the reply address. */
const feedbackReport = (): InboundMail => {
  const raw = [
    'From: abuse@isp.example',
    `To: ${address}`,
    'Subject: Abuse report',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'This is an abuse report.',
    '--b',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    '--b--',
  ].join('\r\n');
  const bytes = new Uint8Array(Buffer.from(raw));
  return { ...mail('', ''), raw: bytes, size: bytes.length };
};

describe('what receiving a reply does with each class', () => {
  it('forwards a complaint that mentions unsubscribing, marked, and does not unsubscribe', async () => {
    const { stores, mailer, enrolments, deps } = setup();
    const outcome = await receiveReply(
      mail(
        'Subject: Re: unsubscribe\r\nIn-Reply-To: <a@northwind.example>\r\n',
        "I don't want to unsubscribe! The record arrived cracked and nobody answered. Please help.",
      ),
      deps,
    );
    expect(outcome).toMatchObject({ kind: 'reply', forwarded: true });
    expect(stores.contacts.statuses.get('lapsed-1')?.unsubscribedAt).toBeUndefined();
    expect(enrolments.ended.get(`lapsed-1|${enrolmentId}`)).toBe('reply');
    expect(mailer.sent[0]?.text).toContain('Also asks to stop');
    expect(mailer.sent[0]?.text).toContain('The record arrived cracked');
  });

  it('unsubscribes on the word alone, without forwarding', async () => {
    const { stores, mailer, deps } = setup();
    const outcome = await receiveReply(mail('Subject: Re: hello\r\n', `Stop${quoted}`), deps);
    expect(outcome).toMatchObject({ kind: 'unsubscribed', locale: 'en' });
    expect(stores.contacts.statuses.get('lapsed-1')?.unsubscribedAt).toBeDefined();
    expect(mailer.sent).toEqual([]);
  });

  it('keeps an Italian out-of-office without RFC 3834 headers on record, ending nothing', async () => {
    const { stores, mailer, enrolments, deps } = setup();
    const outcome = await receiveReply(
      mail(
        'Subject: Re: ciao\r\n',
        `Sono fuori ufficio fino al 7 gennaio, con accesso limitato alla posta.${quoted}`,
      ),
      deps,
    );
    expect(outcome.kind).toBe('auto-reply');
    expect(stores.inbound.records[0]).toMatchObject({ outcome: 'auto-reply', customerId: 'lapsed-1' });
    expect(enrolments.ended.size).toBe(0);
    expect(mailer.sent).toEqual([]);
  });

  it('takes a feedback report about our mail for a complaint: suppressed, enrolments ended, nothing forwarded', async () => {
    const { stores, mailer, enrolments, deps } = setup();
    const outcome = await receiveReply(feedbackReport(), deps);
    expect(outcome.kind).toBe('rejected');
    expect(stores.contacts.suppressions.get('asha@example.com')?.reason).toBe('complaint');
    expect(enrolments.ended.get(`lapsed-1|${enrolmentId}`)).toBe('complaint');
    expect(mailer.sent).toEqual([]);
  });

  it("counts a feedback report as its message's complaint: in the step's counters once, with SES's own report, and in the complaint rate", async () => {
    const { stores, deps } = setup({ engagement: { complaintRateMinSends: 1, complaintRateThreshold: 0.1 } });
    const message = {
      customerId: 'lapsed-1',
      enrolmentId,
      sequenceId: 'gentle-winback',
      segmentId: 'lapsed',
      stepIndex: 0,
      stepId: 'check-in',
      messageId: 'ses-1',
    };
    await stores.ledger.record({
      ...message,
      eventId: 'send-1',
      type: 'send',
      at: Date.parse('2026-11-24T09:00:00Z'),
    });
    const outcome = await receiveReply(feedbackReport(), deps);
    // SES's complaint for the same message, through its event destination, after the mail's.
    await stores.ledger.record({
      ...message,
      eventId: 'ses-complaint',
      type: 'complaint',
      at: Date.parse('2026-12-01T11:00:00Z'),
    });

    expect(outcome).toMatchObject({
      kind: 'rejected',
      reason: expect.stringContaining('paused gentle-winback'),
    });
    const complaint = [...stores.ledger.events.values()].find(
      (event) => event.type === 'complaint' && event.eventId !== 'ses-complaint',
    );
    expect(complaint).toMatchObject({
      ...message,
      detail: { source: 'inbound-mail', feedbackType: 'abuse' },
    });
    const [counters] = await stores.ledger.sequenceCounters('gentle-winback');
    expect(counters?.counters).toMatchObject({ sent: 1, complained: 1 });
    expect(stores.pauses.paused.get('gentle-winback')?.reason).toContain('complaint rate 100.00%');
  });

  it("records a permanent bounce by mail of the customer's address as the hard bounce of the message it answers", async () => {
    const { stores, enrolments, deps } = setup();
    const raw = [
      'From: MAILER-DAEMON@mx.example.in',
      `To: ${address}`,
      'Subject: failure notice',
      '',
      'Hi. This is the qmail-send program at mx.example.in.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      '',
      '<asha@example.com>:',
      'Remote host said: 550 5.1.1 <asha@example.com>... User unknown',
      '',
      '--- Below this line is a copy of the message.',
    ].join('\r\n');
    const bytes = new Uint8Array(Buffer.from(raw));
    const outcome = await receiveReply({ ...mail('', ''), raw: bytes, size: bytes.length }, deps);
    expect(outcome).toMatchObject({
      kind: 'rejected',
      reason: expect.stringContaining('recipients from its text'),
    });
    expect(stores.contacts.suppressions.get('asha@example.com')?.reason).toBe('hard-bounce');
    expect(enrolments.ended.get(`lapsed-1|${enrolmentId}`)).toBe('hard-bounce');
    expect([...stores.ledger.events.values()].find((event) => event.type === 'bounce')).toMatchObject({
      enrolmentId,
      stepIndex: 0,
      messageId: 'ses-1',
      detail: { source: 'inbound-mail', bounceType: 'Permanent', status: '5.1.1' },
    });
  });

  it("forwards a new message (no reply markers) to the reply address from the customer's own address, and keeps one from anyone else on record", async () => {
    const own = setup();
    const fromCustomer = await receiveReply(
      mail('Subject: My order\r\n', 'The replacement never came. Can someone call me?'),
      own.deps,
    );
    expect(fromCustomer).toMatchObject({ kind: 'reply', forwarded: true });
    expect(own.enrolments.ended.get(`lapsed-1|${enrolmentId}`)).toBe('reply');
    expect(own.mailer.sent[0]?.text).toContain('The replacement never came');

    const other = setup();
    const raw = Buffer.from(
      `From: Someone <someone@example.net>\r\nTo: ${address}\r\nSubject: Hello\r\nContent-Type: text/plain\r\n\r\nHello there`,
    );
    const fromElsewhere = await receiveReply(
      { ...mail('', ''), raw: new Uint8Array(raw), size: raw.length },
      other.deps,
    );
    expect(fromElsewhere).toMatchObject({
      kind: 'rejected',
      reason: expect.stringContaining('other: not a reply'),
    });
    expect(other.enrolments.ended.size).toBe(0);
    expect(other.mailer.sent).toEqual([]);
    expect(other.stores.inbound.records[0]).toMatchObject({
      customerId: 'lapsed-1',
      from: 'someone@example.net',
    });
  });

  it.each([
    ['the customer the token names', (forgotten: MemoryForgotten) => forgotten.customerIds.add('lapsed-1')],
    ['the sender', (forgotten: MemoryForgotten) => forgotten.emails.add('asha@example.com')],
  ])(
    'keeps nothing of a late reply when %s was erased on request: no event, no forward, no sender on record',
    async (_who, erase) => {
      const { stores, mailer, enrolments, deps, forgotten } = setup();
      erase(forgotten);
      const outcome = await receiveReply(
        mail('Subject: Re: hello\r\nIn-Reply-To: <a@northwind.example>\r\n', `Where is my refund?${quoted}`),
        deps,
      );
      expect(outcome).toEqual({ kind: 'forgotten' });
      expect(stores.ledger.events.size).toBe(0);
      expect(enrolments.ended.size).toBe(0);
      expect(mailer.sent).toEqual([]);
      expect(stores.inbound.records).toEqual([
        {
          mailId: 'mail-1',
          receivedAt: Date.parse('2026-12-01T10:15:02Z'),
          outcome: 'rejected',
          reason: 'from or about a person erased on request: nothing kept',
          s3Key: 'inbound/mail-1',
        },
      ]);
    },
  );

  it('does not take an auto-reply quoting the mailto subject for an unsubscribe', async () => {
    const { stores, deps } = setup();
    const token = signLink({ ...claims, purpose: 'unsubscribe' }, key);
    const outcome = await receiveReply(
      mail(
        `Subject: Automatic reply: unsubscribe-${token}\r\nAuto-Submitted: auto-replied\r\n`,
        'I am away.',
        ['unsubscribe@reply.northwind.example'],
      ),
      deps,
    );
    expect(outcome.kind).toBe('auto-reply');
    expect(stores.contacts.statuses.get('lapsed-1')?.unsubscribedAt).toBeUndefined();
  });
});
