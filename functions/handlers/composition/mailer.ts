import { SesMailer } from '../../adapters/ses/ses-mailer.ts';
import type { Composition } from './core.ts';

/** The mailer: SES v2, sending through the configuration set (send-step and receive-reply's auto-replies). */
export function mailer(composition: Composition<'configurationSet', 'sesv2'>): SesMailer {
  return new SesMailer(composition.clients.sesv2, composition.names.configurationSet);
}
