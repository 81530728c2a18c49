import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../../functions/adapters/ses/ses-mailer.ts';
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
