import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleUnsubscribe, type UnsubscribeDeps } from '../core/engagement/unsubscribe.ts';
import { pickLocale, renderUnsubscribePage } from '../core/engagement/unsubscribe-page.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { unsubscribeDeps } from './composition/core.ts';
import { UnsubscribeEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
import { lambdaSecrets } from './lambda-secrets.ts';
import { lazyHandler } from './lazy-handler.ts';

export interface UnsubscribeHandlerDeps extends UnsubscribeDeps {
  readonly logger: Logger;
}

/** Form posts are small; anything larger is not ours. */
const MAX_BODY_BYTES = 8_192;

const headers = {
  'content-type': 'text/html; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex',
  'referrer-policy': 'no-referrer',
  // No scripts, no external resources; forms post back to this URL only.
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

/**
 * The fields of a form body, as RFC 8058 allows it to be sent (`application/x-www-form-urlencoded`
 * or `multipart/form-data`; no content type is read as the former). Any other body (JSON, plain
 * text) or a malformed one has no fields, so it changes nothing.
 */
export async function formOf(body: string, contentType: string | undefined): Promise<URLSearchParams> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '' || type === 'application/x-www-form-urlencoded') return new URLSearchParams(body);
  if (type !== 'multipart/form-data' || contentType === undefined) return new URLSearchParams();
  try {
    const data = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    const form = new URLSearchParams();
    for (const [name, value] of data.entries()) if (typeof value === 'string') form.append(name, value);
    return form;
  } catch {
    return new URLSearchParams();
  }
}

/**
 * The Lambda Function URL behind every List-Unsubscribe link. A failure shows a generic page
 * (500) and is logged; its details never reach the browser.
 */
export function makeHandler(deps: UnsubscribeHandlerDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const acceptLanguage = event.headers?.['accept-language'];
    try {
      const raw = event.body ?? '';
      const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
        return {
          statusCode: 413,
          headers,
          body: renderUnsubscribePage({ kind: 'invalid' }, pickLocale(acceptLanguage), deps.shopName),
        };
      }
      const response = await handleUnsubscribe(
        {
          method: event.requestContext?.http?.method ?? 'GET',
          queryToken: event.queryStringParameters?.t,
          form: await formOf(body, event.headers?.['content-type']),
          acceptLanguage,
        },
        deps,
      );
      deps.logger.info('unsubscribe request', { outcome: response.outcome });
      return { statusCode: response.status, headers, body: response.html };
    } catch (error: unknown) {
      deps.logger.error('unsubscribe failed', { error });
      return {
        statusCode: 500,
        headers,
        body: renderUnsubscribePage({ kind: 'error' }, pickLocale(acceptLanguage), deps.shopName),
      };
    }
  };
}

export const handler = lazyHandler(async () => {
  // The config schema and the baked bundle load on the first event; the SDK clients' packages with
  // the module, in Lambda's init phase.
  const { loadRuntimeBundle } = await import('./runtime-bundle.ts');
  const lambda = lambdaComposition(UnsubscribeEnvironment, () => ({
    dynamodb: dynamoDbClient(),
    secretsManager: secretsManagerClient(),
  }));
  const bundle = loadRuntimeBundle();
  return makeHandler(unsubscribeDeps({ ...lambda, bundle, secrets: await lambdaSecrets(lambda) }));
});
