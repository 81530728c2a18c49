import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { systemClock } from '../adapters/system-clock.ts';
import { readSecret } from './clients/secrets-manager.ts';
import type { StackNames } from './environment.ts';
import { parseIntegrationSecrets, refreshingSecrets, type SecretSource } from './integration-secrets.ts';

/** The link-signing key, read from Secrets Manager at cold start. */
export async function lambdaSecrets(lambda: {
  readonly clients: { readonly secretsManager: SecretsManagerClient };
  readonly names: Pick<StackNames, 'linkSecretArn'>;
}): Promise<{ linkSigningKey: string }> {
  return { linkSigningKey: await readSecret(lambda.clients.secretsManager, lambda.names.linkSecretArn) };
}

/**
 * The live endpoints' secrets (one JSON secret) from Secrets Manager: read on the first request,
 * and again after a refused one at most once a minute, so a secret the owner just put takes effect.
 */
export function lambdaIntegrationSecrets(lambda: {
  readonly clients: { readonly secretsManager: SecretsManagerClient };
  readonly names: Pick<StackNames, 'integrationSecretArn'>;
}): SecretSource {
  return refreshingSecrets(
    async () =>
      parseIntegrationSecrets(
        await readSecret(lambda.clients.secretsManager, lambda.names.integrationSecretArn),
      ),
    () => systemClock.now(),
  );
}
