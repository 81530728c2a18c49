import {
  type SESv2Client,
  SESv2ServiceException,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { MailerError, type MailerErrorKind } from '../../core/domain/mailer-error.ts';
import { encodeMessageTags } from '../../core/domain/message-tags.ts';
import type { EmailTracking, Mailer, OutgoingEmail } from '../../ports/mailer.ts';

/** SES refuses every send until a person acts (account or configuration set paused, account suspended). */
const pausedErrors = new Set(['SendingPausedException', 'AccountSuspendedException']);
/** SES asks us to slow down: the send did not happen and will succeed later. */
const throttlingErrors = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
]);

/** What an SES error means for the send; the one place that knows SES's error names. */
export function mailerErrorKindFor(error: {
  readonly name: string;
  readonly message?: string;
  readonly status?: number;
  readonly retryable?: boolean;
}): MailerErrorKind {
  if (pausedErrors.has(error.name)) return 'paused';
  if (throttlingErrors.has(error.name) || /sending rate/i.test(error.message ?? '')) return 'throttled';
  if (error.retryable === true || (error.status ?? 0) >= 500) return 'unavailable';
  return 'rejected';
}

/** The addresses and content of an SES send, shared by the mailer and the preview's test send. */
export function sendEmailInput(email: OutgoingEmail): SendEmailCommandInput {
  return {
    FromEmailAddress: email.from,
    Destination: { ToAddresses: [email.to] },
    ReplyToAddresses: email.replyTo === undefined ? undefined : [...email.replyTo],
    Content: {
      Simple: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: {
          Html: { Data: email.html, Charset: 'UTF-8' },
          Text: { Data: email.text, Charset: 'UTF-8' },
        },
        Headers: email.headers.map(({ name, value }) => ({ Name: name, Value: value })),
      },
    },
  };
}

const featureStatus = (on: boolean) => (on ? 'ENABLED' : 'DISABLED');

/**
 * SES's per-message tracking override, always both fields: what is tracked never depends on the
 * configuration set's or the account's settings, and an email that asks for nothing gets nothing.
 */
export function trackingOverrides(tracking: EmailTracking | undefined) {
  return {
    Tracking: {
      OpenTrackingEnabled: featureStatus(tracking?.opens ?? false),
      ClickTrackingEnabled: featureStatus(tracking?.clicks ?? false),
    },
  } as const;
}

/**
 * The Mailer over SES v2 SendEmail, Simple content (so SES keeps our custom headers), through one
 * configuration set (its events, reputation metrics, custom tracking domain) with each email's
 * open and click tracking switched per message.
 */
export class SesMailer implements Mailer {
  readonly #client: SESv2Client;
  readonly #configurationSet: string;

  constructor(client: SESv2Client, configurationSet: string) {
    this.#client = client;
    this.#configurationSet = configurationSet;
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    // Tags encoded reversibly (message-tags.ts): an event must name exactly the customer it is about.
    const tags = encodeMessageTags(email.tags);
    if (!tags.ok) throw new MailerError(tags.reason, 'rejected');
    try {
      const result = await this.#client.send(
        new SendEmailCommand({
          ...sendEmailInput(email),
          ConfigurationSetName: this.#configurationSet,
          ConfigurationOverrides: trackingOverrides(email.tracking),
          EmailTags: Object.entries(tags.tags).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      if (result.MessageId === undefined) throw new MailerError('SES returned no MessageId', 'unknown');
      return { messageId: result.MessageId };
    } catch (error: unknown) {
      if (error instanceof MailerError) throw error;
      if (error instanceof SESv2ServiceException) {
        const kind = mailerErrorKindFor({
          name: error.name,
          message: error.message,
          status: error.$metadata.httpStatusCode,
          retryable: error.$retryable !== undefined,
        });
        throw new MailerError(`SES ${error.name}: ${error.message}`, kind, { cause: error });
      }
      // Network errors and the like: the send may not have happened; the caller decides.
      throw new MailerError(
        `SES call failed: ${error instanceof Error ? error.message : String(error)}`,
        'unknown',
        {
          cause: error,
        },
      );
    }
  }
}
