import { SESv2Client, SESv2ServiceException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../../functions/adapters/ses/ses-mailer.ts';
import { MailerError } from '../../../functions/core/domain/mailer-error.ts';
import type { OutgoingEmail } from '../../../functions/ports/mailer.ts';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const email: OutgoingEmail = {
  from: 'Northwind Records <care@northwind.example>',
  to: 'asha@example.com',
  subject: 'Asha, it has been a while',
  html: '<p>Hello</p>',
  text: 'Hello',
  headers: [],
  tags: { customer: 'c1' },
};

async function sent(tracking: OutgoingEmail['tracking']) {
  ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
  const mailer = new SesMailer(new SESv2Client({ region: 'eu-west-1' }), 'rekindle-set');
  await mailer.send(tracking === undefined ? email : { ...email, tracking });
  const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
  return { set: input?.ConfigurationSetName, tracking: input?.ConfigurationOverrides?.Tracking };
}

describe('SesMailer tracking', () => {
  it("switches opens and clicks per message, as the email's sequence chose, through the one configuration set", async () => {
    expect(await sent({ opens: false, clicks: true })).toEqual({
      set: 'rekindle-set',
      tracking: { OpenTrackingEnabled: 'DISABLED', ClickTrackingEnabled: 'ENABLED' },
    });
    ses.reset();
    expect((await sent({ opens: true, clicks: false })).tracking).toEqual({
      OpenTrackingEnabled: 'ENABLED',
      ClickTrackingEnabled: 'DISABLED',
    });
  });

  it('tracks nothing in an email that does not ask (a forwarded reply)', async () => {
    expect((await sent(undefined)).tracking).toEqual({
      OpenTrackingEnabled: 'DISABLED',
      ClickTrackingEnabled: 'DISABLED',
    });
  });
});

describe('SesMailer errors: SES names read here, kinds for the core', () => {
  const failing = async (error: Error) => {
    ses.on(SendEmailCommand).rejects(error);
    const mailer = new SesMailer(new SESv2Client({ region: 'eu-west-1', maxAttempts: 1 }), 'rekindle-set');
    return mailer.send(email).then(
      () => undefined,
      (caught: unknown) => caught,
    );
  };
  const sesError = (name: string, message: string, status = 400) =>
    new SESv2ServiceException({
      name,
      message,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status },
    });

  it.each([
    ['SendingPausedException', 'Sending is paused for this account', 400, 'paused'],
    ['AccountSuspendedException', 'Account suspended', 400, 'paused'],
    ['TooManyRequestsException', 'Too many requests', 429, 'throttled'],
    ['LimitExceededException', 'Daily message quota exceeded', 400, 'throttled'],
    ['BadRequestException', 'Maximum sending rate exceeded.', 400, 'throttled'],
    ['MessageRejected', 'Email address is not verified.', 400, 'rejected'],
    ['InternalFailure', 'Internal error', 500, 'unavailable'],
  ])('%s is %s… → %s', async (name, message, status, kind) => {
    const caught = await failing(sesError(name, message, status));
    expect(caught).toBeInstanceOf(MailerError);
    expect(caught).toMatchObject({ kind, delivered: 'no', message: `SES ${name}: ${message}` });
  });

  it('calls a broken-off call unknown: it may have gone out', async () => {
    const caught = await failing(new Error('socket hang up'));
    expect(caught).toMatchObject({ kind: 'unknown', delivered: 'unknown', retryable: true });
  });

  it('refuses tags it cannot encode before calling SES, as rejected', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
    const mailer = new SesMailer(new SESv2Client({ region: 'eu-west-1' }), 'rekindle-set');
    const caught = await mailer
      .send({ ...email, tags: { customer: 'x'.repeat(300) } })
      .catch((error: unknown) => error);
    expect(caught).toMatchObject({ kind: 'rejected', retryable: false });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
