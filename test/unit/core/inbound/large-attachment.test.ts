import { describe, expect, it } from 'vitest';
import {
  INBOUND_LIMITS,
  inboundLimitExceeded,
  keptBase64Lines,
  parseReply,
  withoutLongBase64Runs,
} from '../../../../functions/core/inbound/parse-reply.ts';
import { extractNewText } from '../../../../functions/core/inbound/reply-text.ts';

/** A reply with a photo of the damage: text and HTML parts, then a ~3 MB JPEG as base64. */
function replyWithPhoto(photoBytes: number): Buffer {
  const photo = Buffer.alloc(photoBytes, 0xd8).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: Asha <asha@example.com>',
      'To: r+token@reply.shop.example',
      'Subject: Re: We owe you an apology',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(
        'The record arrived cracked again, photo attached. Please help.\r\n\r\nOn Tue, Shop wrote:\r\n> Hello Asha',
      ).toString('base64'),
      '--b1',
      'Content-Type: image/jpeg; name="cracked.jpg"',
      'Content-Disposition: attachment; filename="cracked.jpg"',
      'Content-Transfer-Encoding: base64',
      '',
      photo,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

describe('a reply with a large attachment', () => {
  it('is over the limits as received, and parsed with the attachment cut short, so its words reach a person', async () => {
    const raw = replyWithPhoto(3_000_000);
    expect(inboundLimitExceeded(raw)).toMatch(/body of|lines/);
    const parsed = await parseReply(raw);
    expect(extractNewText(parsed.body)).toBe(
      'The record arrived cracked again, photo attached. Please help.',
    );
    expect(parsed.subject).toBe('Re: We owe you an apology');
  });

  it('keeps text and short base64 parts whole and cuts only long runs, within the limits', () => {
    const raw = replyWithPhoto(3_000_000);
    const compact = withoutLongBase64Runs(raw);
    expect(inboundLimitExceeded(compact)).toBeUndefined();
    expect(compact.length).toBeLessThan(keptBase64Lines * 80 + 2_000);
    expect(Buffer.from(compact).toString('latin1')).toContain('cracked.jpg');
    const small = replyWithPhoto(10_000);
    expect(Buffer.from(withoutLongBase64Runs(small)).equals(small)).toBe(true);
    expect(INBOUND_LIMITS.lines).toBeGreaterThan(keptBase64Lines);
  });
});
