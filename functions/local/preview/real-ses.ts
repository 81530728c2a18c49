import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  type SESv2Client,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { sendEmailInput } from '../../adapters/ses/ses-mailer.ts';
import type { Mailer, OutgoingEmail } from '../../ports/mailer.ts';

/** Whether a test email can go through this SES account, and if not, what to do. */
export type TestSendingCheck =
  | { readonly ok: true; readonly region: string; readonly sandbox: boolean }
  | { readonly ok: false; readonly reason: string };

/** The address in a From header: `Shop <care@shop.example>` → `care@shop.example`. */
export function addressOf(from: string): string {
  return (/<([^<>]+)>\s*$/.exec(from)?.[1] ?? from).trim();
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

const errorName = (error: unknown) =>
  error instanceof Error ? error.name : typeof error === 'string' ? error : 'Error';
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Whether `address` may be used with SES: it, or its domain, is an identity verified for sending.
 * `undefined` when it is; otherwise what SES said.
 */
async function unverified(client: SESv2Client, address: string): Promise<string | undefined> {
  for (const identity of [address, domainOf(address)]) {
    try {
      const found = await client.send(new GetEmailIdentityCommand({ EmailIdentity: identity }));
      if (found.VerifiedForSendingStatus === true) return undefined;
      return `the identity ${identity} is not verified yet (${found.VerificationStatus ?? 'pending'})`;
    } catch (error: unknown) {
      if (errorName(error) !== 'NotFoundException') throw error;
    }
  }
  return `neither ${address} nor ${domainOf(address)} is an identity in SES`;
}

/**
 * Checks, before the preview starts, that a test can reach a real inbox: credentials, sending
 * enabled (GetAccount), the config's From address verified (GetEmailIdentity on it or its
 * domain) and, while the account is in the sandbox, the recipient verified too. Each failure is
 * one line naming what is missing and what to do.
 */
export async function checkTestSending(
  client: SESv2Client,
  options: { readonly from: string; readonly to: string },
): Promise<TestSendingCheck> {
  let region = 'the configured region';
  try {
    region = await client.config.region();
  } catch {
    return { ok: false, reason: 'no AWS region: set AWS_REGION (or a profile with a region) to send a test' };
  }
  const from = addressOf(options.from);
  try {
    const account = await client.send(new GetAccountCommand({}));
    if (account.SendingEnabled === false)
      return { ok: false, reason: `sending is paused for this SES account in ${region}: resume it first` };
    const sandbox = account.ProductionAccessEnabled !== true;
    const sender = await unverified(client, from);
    if (sender !== undefined)
      return {
        ok: false,
        reason: `the sender ${from} (sender.from in the config) cannot send from SES in ${region}: ${sender}; verify it with "aws sesv2 create-email-identity --email-identity ${domainOf(from)}"`,
      };
    if (sandbox) {
      const recipient = await unverified(client, options.to);
      if (recipient !== undefined)
        return {
          ok: false,
          reason: `the SES account in ${region} is in the sandbox, where only verified addresses receive mail: ${recipient}; verify ${options.to} or request production access`,
        };
    }
    return { ok: true, region, sandbox };
  } catch (error: unknown) {
    const name = errorName(error);
    if (name === 'CredentialsProviderError')
      return {
        ok: false,
        reason:
          'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, to send a test through SES',
      };
    const first = errorMessage(error).split('\n')[0];
    return { ok: false, reason: `SES in ${region} refused the check (${name}: ${first})` };
  }
}

/**
 * A test email through SES v2 SendEmail: the composed message as the sender would send it, from
 * the configured sender, without the configuration set or tags of a real send (no events, no
 * engagement is recorded for a test).
 */
export class TestEmailSender implements Mailer {
  readonly #client: SESv2Client;

  constructor(client: SESv2Client) {
    this.#client = client;
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const result = await this.#client.send(new SendEmailCommand(sendEmailInput(email)));
    if (result.MessageId === undefined) throw new Error('SES returned no MessageId');
    return { messageId: result.MessageId };
  }
}
