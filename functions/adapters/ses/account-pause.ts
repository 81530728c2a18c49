import { GetAccountCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { sesAccountScope } from '../../core/domain/pauses.ts';
import type { PauseInForce } from '../../core/reporting/build-report.ts';

/**
 * SES pausing sending for the whole account, read with SESv2 GetAccount, as the report's first
 * pause with what to do: undefined while sending is enabled. A pause by SES (enforcement status
 * SHUTDOWN) is lifted by SES after a review; one set by the account's owner, by the owner.
 */
export async function sesAccountPause(client: SESv2Client): Promise<PauseInForce | undefined> {
  const account = await client.send(new GetAccountCommand({}));
  if (account.SendingEnabled !== false) return undefined;
  const status = account.EnforcementStatus ?? 'unknown';
  const reason =
    status === 'HEALTHY'
      ? 'sending was disabled by the account (enforcement status HEALTHY); enable it with: aws sesv2 put-account-sending-attributes --sending-enabled'
      : `SES disabled sending (enforcement status ${status}); read why under Reputation metrics in the SES console, fix the cause and ask AWS for a review there`;
  return { scope: sesAccountScope, reason };
}
