import type { Logger } from '@aws-lambda-powertools/logger';
import type { SESEvent } from 'aws-lambda';
import { type ReceiveReplyDeps, type ReplyOutcome, receiveReply } from '../core/inbound/receive-reply.ts';
import type { RawMailSource } from '../ports/raw-mail-source.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { s3Client } from './clients/s3.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { sesv2Client } from './clients/sesv2.ts';
import { receiveReplyDeps } from './composition/replies.ts';
import { ReplyEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
import { lambdaSecrets } from './lambda-secrets.ts';
import { lazyHandler } from './lazy-handler.ts';

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

export const handler = lazyHandler(async () => {
  // The config schema and the baked bundle load on the first event; the SDK clients' packages with
  // the module, in Lambda's init phase.
  const { loadRuntimeBundle } = await import('./runtime-bundle.ts');
  const lambda = lambdaComposition(ReplyEnvironment, () => ({
    dynamodb: dynamoDbClient(),
    sesv2: sesv2Client(),
    s3: s3Client(),
    secretsManager: secretsManagerClient(),
  }));
  const bundle = loadRuntimeBundle();
  return makeHandler(receiveReplyDeps({ ...lambda, bundle, secrets: await lambdaSecrets(lambda) }));
});
