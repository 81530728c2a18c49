import { describe, expect, it } from 'vitest';
import { type InboundMail, receiveReply } from '../../../functions/core/inbound/receive-reply.ts';
import { signLink } from '../../../functions/core/sending/links.ts';
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

describe('what receiving a reply does with each class', () => {
  it('forwards a complaint that mentions unsubscribing, marked, and does not unsubscribe', async () => {
    const { store, mailer, enrolments, deps } = setup();
    const outcome = await receiveReply(
      mail(
        'Subject: Re: unsubscribe\r\nIn-Reply-To: <a@northwind.example>\r\n',
        "I don't want to unsubscribe! The record arrived cracked and nobody answered. Please help.",
      ),
      deps,
    );
    expect(outcome).toMatchObject({ kind: 'reply', forwarded: true });
    expect(store.statuses.get('lapsed-1')?.unsubscribedAt).toBeUndefined();
    expect(enrolments.ended.get(`lapsed-1|${enrolmentId}`)).toBe('reply');
    expect(mailer.sent[0]?.text).toContain('Also asks to stop');
    expect(mailer.sent[0]?.text).toContain('The record arrived cracked');
  });

  it('unsubscribes on the word alone, without forwarding', async () => {
    const { store, mailer, deps } = setup();
    const outcome = await receiveReply(mail('Subject: Re: hello\r\n', `Stop${quoted}`), deps);
    expect(outcome).toMatchObject({ kind: 'unsubscribed', locale: 'en' });
    expect(store.statuses.get('lapsed-1')?.unsubscribedAt).toBeDefined();
    expect(mailer.sent).toEqual([]);
  });

  it('keeps an Italian out-of-office without RFC 3834 headers on record, ending nothing', async () => {
    const { store, mailer, enrolments, deps } = setup();
    const outcome = await receiveReply(
      mail(
        'Subject: Re: ciao\r\n',
        `Sono fuori ufficio fino al 7 gennaio, con accesso limitato alla posta.${quoted}`,
      ),
      deps,
    );
    expect(outcome.kind).toBe('auto-reply');
    expect(store.inbound[0]).toMatchObject({ outcome: 'auto-reply', customerId: 'lapsed-1' });
    expect(enrolments.ended.size).toBe(0);
    expect(mailer.sent).toEqual([]);
  });

  it('takes a feedback report about our mail for a complaint: suppressed, enrolments ended, nothing forwarded', async () => {
    const { store, mailer, enrolments, deps } = setup();
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
    const outcome = await receiveReply({ ...mail('', ''), raw: bytes, size: bytes.length }, deps);
    expect(outcome.kind).toBe('rejected');
    expect(store.suppressions.get('asha@example.com')?.reason).toBe('complaint');
    expect(enrolments.ended.get(`lapsed-1|${enrolmentId}`)).toBe('complaint');
    expect(mailer.sent).toEqual([]);
  });

  it('does not take an auto-reply quoting the mailto subject for an unsubscribe', async () => {
    const { store, deps } = setup();
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
    expect(store.statuses.get('lapsed-1')?.unsubscribedAt).toBeUndefined();
  });
});
