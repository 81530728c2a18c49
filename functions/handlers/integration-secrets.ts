import { z } from 'zod';
import type { HelpdeskPlatform } from '../core/import/live/helpdesk.ts';

/**
 * The secrets of the live endpoints, one JSON object in one Secrets Manager secret:
 * `shopify` (the app's client secret, which signs its webhooks), `zendesk` (the webhook's signing
 * secret) and `token` (generated at deploy: the shared secret Gorgias and Freshdesk must send,
 * as they sign nothing). An empty or missing value leaves that platform's requests refused.
 */
export const IntegrationSecretsSchema = z.object({
  shopify: z.string().optional(),
  zendesk: z.string().optional(),
  token: z.string().optional(),
});
export type IntegrationSecrets = z.infer<typeof IntegrationSecretsSchema>;

/** The key of the secret each source is verified with. */
export const secretKeyOf = (source: 'shopify' | HelpdeskPlatform): keyof IntegrationSecrets =>
  source === 'shopify' || source === 'zendesk' ? source : 'token';

/** Reads the secret's JSON; the error names the fields, never a value. */
export function parseIntegrationSecrets(text: string): IntegrationSecrets {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      'the integration secret is not a JSON object such as {"shopify": "…", "zendesk": "…", "token": "…"}',
    );
  }
  const parsed = IntegrationSecretsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`the integration secret is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** One source's secret, or undefined when it is not set (its requests are refused). */
export function secretFor(
  secrets: IntegrationSecrets,
  source: 'shopify' | HelpdeskPlatform,
): string | undefined {
  const value = secrets[secretKeyOf(source)];
  return value === undefined || value === '' ? undefined : value;
}
