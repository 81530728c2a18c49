import type { SESEvent } from 'aws-lambda';
import { account, region } from '../local-names.ts';

const isoTime = (at: number) => new Date(at).toISOString();

/** The event the SES receipt rule's Lambda action delivers for one mail its S3 action stored. */
export function sesReceiptEvent(input: {
  mailId: string;
  recipients: readonly string[];
  at: number;
}): SESEvent {
  const verdict = { status: 'PASS' as const };
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: isoTime(input.at),
            source: 'customer@example.com',
            messageId: input.mailId,
            destination: [...input.recipients],
            headersTruncated: false,
            headers: [],
            commonHeaders: {
              returnPath: 'customer@example.com',
              date: isoTime(input.at),
              messageId: input.mailId,
            },
          },
          receipt: {
            timestamp: isoTime(input.at),
            processingTimeMillis: 5,
            recipients: [...input.recipients],
            spamVerdict: verdict,
            virusVerdict: verdict,
            spfVerdict: verdict,
            dkimVerdict: verdict,
            dmarcVerdict: verdict,
            action: {
              type: 'Lambda',
              functionArn: `arn:aws:lambda:${region}:${account}:function:rekindle-receive-reply`,
              invocationType: 'Event',
            },
          },
        },
      },
    ],
  };
}
