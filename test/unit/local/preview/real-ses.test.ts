import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  NotFoundException,
  SESv2Client,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addressOf,
  checkTestSending,
  TestEmailSender,
} from '../../../../functions/local/preview/real-ses.ts';

const ses = mockClient(SESv2Client);
const client = () =>
  new SESv2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const from = 'Northwind <care@shop.example>';
const to = 'me@mail.example';
const notFound = () => new NotFoundException({ message: 'not found', $metadata: {} });

beforeEach(() => {
  ses.reset();
});
afterEach(() => {
  ses.reset();
});

describe('checking that a test can reach a real inbox through SES', () => {
  it('passes with production access and the sender domain verified, naming the region', async () => {
    ses.on(GetAccountCommand).resolves({ SendingEnabled: true, ProductionAccessEnabled: true });
    ses.on(GetEmailIdentityCommand, { EmailIdentity: 'care@shop.example' }).rejects(notFound());
    ses
      .on(GetEmailIdentityCommand, { EmailIdentity: 'shop.example' })
      .resolves({ VerifiedForSendingStatus: true });

    expect(await checkTestSending(client(), { from, to })).toEqual({
      ok: true,
      region: 'eu-west-1',
      sandbox: false,
    });
    expect(ses.commandCalls(GetEmailIdentityCommand, { EmailIdentity: to })).toHaveLength(0);
  });

  it('says no credentials were found, and how to give them', async () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    ses.on(GetAccountCommand).rejects(error);

    expect(await checkTestSending(client(), { from, to })).toEqual({
      ok: false,
      reason:
        'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, to send a test through SES',
    });
  });

  it('names the unverified sender and the command that verifies it', async () => {
    ses.on(GetAccountCommand).resolves({ SendingEnabled: true, ProductionAccessEnabled: true });
    ses.on(GetEmailIdentityCommand).rejects(notFound());

    expect(await checkTestSending(client(), { from, to })).toEqual({
      ok: false,
      reason:
        'the sender care@shop.example (sender.from in the config) cannot send from SES in eu-west-1: neither care@shop.example nor shop.example is an identity in SES; verify it with "aws sesv2 create-email-identity --email-identity shop.example"',
    });
  });

  it('in the sandbox, refuses an unverified recipient and says why', async () => {
    ses.on(GetAccountCommand).resolves({ SendingEnabled: true, ProductionAccessEnabled: false });
    ses
      .on(GetEmailIdentityCommand, { EmailIdentity: 'care@shop.example' })
      .resolves({ VerifiedForSendingStatus: true });
    ses.on(GetEmailIdentityCommand, { EmailIdentity: to }).rejects(notFound());
    ses.on(GetEmailIdentityCommand, { EmailIdentity: 'mail.example' }).resolves({
      VerifiedForSendingStatus: false,
      VerificationStatus: 'PENDING',
    });

    const check = await checkTestSending(client(), { from, to });

    expect(check).toEqual({
      ok: false,
      reason:
        'the SES account in eu-west-1 is in the sandbox, where only verified addresses receive mail: the identity mail.example is not verified yet (PENDING); verify me@mail.example or request production access',
    });
  });

  it('in the sandbox, passes a verified recipient', async () => {
    ses.on(GetAccountCommand).resolves({ SendingEnabled: true, ProductionAccessEnabled: false });
    ses.on(GetEmailIdentityCommand).resolves({ VerifiedForSendingStatus: true });

    expect(await checkTestSending(client(), { from, to })).toEqual({
      ok: true,
      region: 'eu-west-1',
      sandbox: true,
    });
  });

  it('says when sending is paused for the account', async () => {
    ses.on(GetAccountCommand).resolves({ SendingEnabled: false, ProductionAccessEnabled: true });

    expect(await checkTestSending(client(), { from, to })).toEqual({
      ok: false,
      reason: 'sending is paused for this SES account in eu-west-1: resume it first',
    });
  });

  it('reports any other refusal in one line', async () => {
    ses.on(GetAccountCommand).rejects(
      Object.assign(new Error('User is not authorized\nto perform ses:GetAccount'), {
        name: 'AccessDeniedException',
      }),
    );

    expect(await checkTestSending(client(), { from, to })).toEqual({
      ok: false,
      reason: 'SES in eu-west-1 refused the check (AccessDeniedException: User is not authorized)',
    });
  });
});

describe('the test email', () => {
  it('goes through SendEmail from the configured sender, without a configuration set or tags', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });

    const result = await new TestEmailSender(client()).send({
      from,
      to,
      subject: 'Asha, we are sorry',
      html: '<p>Hello</p>',
      text: 'Hello',
      headers: [{ name: 'List-Unsubscribe', value: '<https://shop.example/u>' }],
      tags: { customer: 'asha' },
    });

    expect(result).toEqual({ messageId: 'm-1' });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe(from);
    expect(input?.Destination).toEqual({ ToAddresses: [to] });
    expect(input?.ConfigurationSetName).toBeUndefined();
    expect(input?.EmailTags).toBeUndefined();
    expect(input?.Content?.Simple?.Subject?.Data).toBe('Asha, we are sorry');
  });

  it('reads the address out of a From header', () => {
    expect(addressOf(from)).toBe('care@shop.example');
    expect(addressOf('care@shop.example')).toBe('care@shop.example');
  });
});
