import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SESEvent } from 'aws-lambda';
import { DynamoCustomerStore } from '../adapters/dynamo/customer-store.ts';
import { DynamoEngagementStore } from '../adapters/dynamo/engagement-store.ts';
import { DynamoEnrolmentStore } from '../adapters/dynamo/enrolment-store.ts';
import { DynamoForgottenRegister } from '../adapters/dynamo/privacy-store.ts';
import { SesMailer } from '../adapters/ses/ses-mailer.ts';
import { type ReceiveReplyDeps, type ReplyOutcome, receiveReply } from '../core/inbound/receive-reply.ts';
import { parseEnvironment, ReplyEnvironmentSchema } from './environment.ts';
import { powertoolsMetrics } from './record-engagement.ts';
import { loadRuntimeBundle } from './runtime-bundle.ts';
import { createClients, createLogger, lazyHandler, readSecret } from './wiring.ts';

const isoTime = (at: number) => new Date(at).toISOString();

/** Reads the raw received mail; deletes only mail from or about a person erased on request. */
export interface RawMailSource {
  size(key: string): Promise<number>;
  read(key: string): Promise<Uint8Array>;
  erase(key: string): Promise<void>;
}

export interface ReceiveReplyHandlerDeps extends ReceiveReplyDeps {
  readonly raw: RawMailSource;
  /** The receipt rule's S3 action writes each mail at `<prefix><SES message id>`. */
  readonly keyPrefix: string;
  readonly logger: Logger;
  readonly flushMetrics?: () => void;
}

/**
 * The SES receipt rule's Lambda action, after its S3 action stored the raw mail. Hostile or broken
 * mail is recorded as rejected by the core and never throws; only infrastructure failures do,
 * so Lambda retries them.
 */
export function makeHandler(deps: ReceiveReplyHandlerDeps) {
  return async (event: SESEvent): Promise<ReplyOutcome[]> => {
    const outcomes: ReplyOutcome[] = [];
    try {
      for (const record of event.Records) {
        const { mail, receipt } = record.ses;
        const s3Key = `${deps.keyPrefix}${mail.messageId}`;
        const size = await deps.raw.size(s3Key);
        const tooBig = size > deps.config.engagement.maxInboundBytes;
        const outcome = await receiveReply(
          {
            mailId: mail.messageId,
            s3Key,
            receivedAt: Date.parse(mail.timestamp) || Date.now(),
            recipients: receipt.recipients,
            size,
            verdicts: {
              spf: receipt.spfVerdict?.status,
              dkim: receipt.dkimVerdict?.status,
              dmarc: receipt.dmarcVerdict?.status,
              spam: receipt.spamVerdict?.status,
              virus: receipt.virusVerdict?.status,
            },
            ...(tooBig ? {} : { raw: await deps.raw.read(s3Key) }),
          },
          deps,
        );
        // Nothing of an erased person stays behind, not even the mail SES stored for us.
        if (outcome.kind === 'forgotten') await deps.raw.erase(s3Key);
        deps.logger.info('inbound mail handled', { mailId: mail.messageId, outcome: outcome.kind });
        outcomes.push(outcome);
      }
      return outcomes;
    } finally {
      deps.flushMetrics?.();
    }
  };
}

/** RawMailSource over S3 GetObject/HeadObject. */
export class S3RawMailSource implements RawMailSource {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async size(key: string): Promise<number> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    return head.ContentLength ?? 0;
  }

  async erase(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async read(key: string): Promise<Uint8Array> {
    const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return result.Body === undefined ? new Uint8Array() : result.Body.transformToByteArray();
  }
}

/** The event the SES receipt rule's Lambda action delivers for one stored mail; for the local runtime and tests. */
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
              functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:rekindle-receive-reply',
              invocationType: 'Event',
            },
          },
        },
      },
    ],
  };
}

export const handler = lazyHandler(async () => {
  const env = parseEnvironment(ReplyEnvironmentSchema, process.env);
  const { config } = loadRuntimeBundle();
  const clients = createClients();
  const metrics = new Metrics({ namespace: 'Rekindle', serviceName: 'receive-reply' });
  return makeHandler({
    store: new DynamoEngagementStore(clients.dynamodb, env.TABLE_NAME),
    enrolments: new DynamoEnrolmentStore(clients.dynamodb, env.TABLE_NAME),
    customers: new DynamoCustomerStore(clients.dynamodb, env.TABLE_NAME),
    forgotten: new DynamoForgottenRegister(clients.dynamodb, env.TABLE_NAME),
    mailer: new SesMailer(clients.sesv2, env.SES_CONFIGURATION_SET),
    signingKey: await readSecret(env.LINK_SECRET_ARN),
    config,
    metrics: powertoolsMetrics(metrics),
    flushMetrics: () => metrics.publishStoredMetrics(),
    raw: new S3RawMailSource(clients.s3, env.INBOUND_BUCKET),
    keyPrefix: env.INBOUND_PREFIX,
    logger: createLogger('receive-reply'),
  });
});
