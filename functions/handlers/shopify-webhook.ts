import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ApplyLiveDeps, applyLiveChange } from '../core/import/live/live-change.ts';
import { readShopifyWebhook, ShopifyHeaders, verifyShopifyWebhook } from '../core/import/live/shopify.ts';
import { header, refused, type Verdict } from '../core/import/live/signatures.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { s3Client } from './clients/s3.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { shopifyWebhookDeps } from './composition/objects.ts';
import { ShopifyWebhookEnvironment } from './environment.ts';
import { type IntegrationSecrets, type SecretSource, secretFor } from './integration-secrets.ts';
import { lambdaComposition } from './lambda.ts';
import { lambdaIntegrationSecrets } from './lambda-secrets.ts';
import { lazyHandler } from './lazy-handler.ts';
import { jsonOf, MAX_WEBHOOK_BYTES, rawBody, webhookResponse } from './webhook-response.ts';

export interface ShopifyWebhookDeps extends ApplyLiveDeps {
  /** The integration secrets; `shopify` is the app's client secret, without which every request is refused. */
  readonly secrets: SecretSource;
  readonly logger: Logger;
}

/**
 * Shopify's webhooks on a Lambda Function URL. The HMAC is checked over the raw body before
 * anything is read: a request that is not Shopify's gets 401 and changes nothing; a body Shopify
 * signed but Rekindle cannot read gets 400 (Shopify does not retry it); a failure while writing
 * gets 500, and Shopify's retry (same X-Shopify-Webhook-Id) writes the same items again.
 */
export function makeHandler(deps: ShopifyWebhookDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const headers = event.headers ?? {};
    const context = {
      topic: header(headers, ShopifyHeaders.topic),
      webhookId: header(headers, ShopifyHeaders.webhookId),
      shop: header(headers, ShopifyHeaders.shopDomain),
    };
    const refuse = (statusCode: number, reason: string) => {
      deps.logger.warn('webhook refused', { ...context, statusCode, reason });
      return webhookResponse(statusCode, { error: reason });
    };
    if (event.requestContext?.http?.method !== 'POST') return refuse(405, 'only POST is accepted');
    const body = rawBody(event);
    if (body.length > MAX_WEBHOOK_BYTES)
      return refuse(413, `the body is larger than ${MAX_WEBHOOK_BYTES} bytes`);
    const verify = (secrets: IntegrationSecrets): Verdict => {
      const secret = secretFor(secrets, 'shopify');
      if (secret === undefined)
        return refused(
          'no Shopify secret is configured: put the app client secret in the integration secret',
        );
      return verifyShopifyWebhook(headers, body, secret);
    };
    let verdict = verify(await deps.secrets.current());
    // The owner may have just put the secret: read it again (at most once a minute) before refusing.
    const fresh = verdict.ok ? undefined : await deps.secrets.refreshed();
    if (fresh !== undefined) verdict = verify(fresh);
    if (!verdict.ok) return refuse(verdict.status, verdict.reason);
    if (context.topic === undefined) return refuse(400, `no ${ShopifyHeaders.topic} header`);
    const json = jsonOf(body);
    if (!json.ok) return refuse(400, 'the body is not JSON');
    const parsed = readShopifyWebhook(context.topic, json.value);
    if (!parsed.ok) return refuse(400, parsed.reason);
    const { result, key } = await applyLiveChange(parsed.change, deps);
    deps.logger.info('webhook applied', {
      ...context,
      id: parsed.id,
      change: parsed.change.kind,
      result,
      key,
    });
    return webhookResponse(200, { result });
  };
}

export const handler = lazyHandler(async () => {
  // The clients are built on the first event; their SDK packages load with the module, in Lambda's
  // init phase.
  const lambda = lambdaComposition(ShopifyWebhookEnvironment, () => ({
    dynamodb: dynamoDbClient(),
    s3: s3Client(),
    secretsManager: secretsManagerClient(),
  }));
  return makeHandler(
    shopifyWebhookDeps({
      ...lambda,
      integrationSecrets: lambdaIntegrationSecrets(lambda),
      inboundBucket: process.env.INBOUND_BUCKET,
    }),
  );
});
