import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { withoutSdkLogger } from './client-options.ts';

/** The Secrets Manager client: Lambda only (the local runtime is given its keys). */
export function secretsManagerClient(): SecretsManagerClient {
  return withoutSdkLogger(new SecretsManagerClient({}));
}

/** A secret's string value (the link-signing key, the integration secrets). */
export async function readSecret(client: SecretsManagerClient, secretArn: string): Promise<string> {
  const result = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  if (result.SecretString === undefined || result.SecretString === '') {
    throw new Error(`secret ${secretArn} has no string value`);
  }
  return result.SecretString;
}
