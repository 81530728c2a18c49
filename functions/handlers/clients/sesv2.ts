import { SESv2Client } from '@aws-sdk/client-sesv2';
import { type ClientTarget, clientOptions, withoutSdkLogger } from './client-options.ts';

/** The SES v2 client, built once per container; `target` points it at a local stack's emulator. */
export function sesv2Client(target?: ClientTarget): SESv2Client {
  return withoutSdkLogger(new SESv2Client(clientOptions('sesv2', target)));
}
