import * as z from 'zod';
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

/** The integration secrets as a handler sees them: what it read, and a fresh read when they may have changed. */
export interface SecretSource {
  current(): Promise<IntegrationSecrets>;
  /**
   * Reads the secret again when a request failed verification: the owner may have just put the
   * platform's secret. At most once a minute (a flood of forged requests costs one read a minute);
   * undefined when it is too soon or nothing changed.
   */
  refreshed(): Promise<IntegrationSecrets | undefined>;
}

/** Fixed secrets (the local stack, tests): nothing to refresh. */
export const fixedSecrets = (secrets: IntegrationSecrets): SecretSource => ({
  current: async () => secrets,
  refreshed: async () => undefined,
});

/** Secrets read by `read` (Secrets Manager), once at cold start and again at most every `minimumMs` after a refusal. */
export function refreshingSecrets(
  read: () => Promise<IntegrationSecrets>,
  now: () => number,
  minimumMs = 60_000,
): SecretSource {
  let secrets: Promise<IntegrationSecrets> | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  const load = () => {
    readAt = now();
    secrets = read().catch((error: unknown) => {
      secrets = undefined;
      throw error;
    });
    return secrets;
  };
  return {
    current: () => secrets ?? load(),
    refreshed: async () => {
      if (now() - readAt < minimumMs) return undefined;
      const before = JSON.stringify(await (secrets ?? load()));
      const after = await load();
      return JSON.stringify(after) === before ? undefined : after;
    },
  };
}
