import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HelpdeskMapping } from '../core/config/integrations.ts';
import {
  helpdeskPlatforms,
  isHelpdeskPlatform,
  readHelpdeskTicket,
  verifyHelpdeskRequest,
} from '../core/import/live/helpdesk.ts';
import { type ApplyLiveDeps, applyLiveChange } from '../core/import/live/live-change.ts';
import { refused, type Verdict } from '../core/import/live/signatures.ts';
import type { CustomerDirectory } from '../ports/customer-directory.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { helpdeskWebhookDeps } from './composition/core.ts';
import { HelpdeskWebhookEnvironment } from './environment.ts';
import { type IntegrationSecrets, type SecretSource, secretFor } from './integration-secrets.ts';
import { lambdaComposition } from './lambda.ts';
import { lambdaIntegrationSecrets } from './lambda-secrets.ts';
import { lazyHandler } from './lazy-handler.ts';
import { jsonOf, MAX_WEBHOOK_BYTES, rawBody, webhookResponse } from './webhook-response.ts';

export interface HelpdeskWebhookDeps extends Pick<ApplyLiveDeps, 'store' | 'forgotten' | 'now'> {
  readonly secrets: SecretSource;
  /** Finds the customers a ticket's requester is, by email. */
  readonly directory: CustomerDirectory;
  readonly mapping: HelpdeskMapping;
  readonly logger: Logger;
}

/**
 * Helpdesk tickets on a Lambda Function URL, one path per platform (`/zendesk`, `/gorgias`,
 * `/freshdesk`). A request is verified before it is read (401 and nothing changed when it fails),
 * then its ticket is recorded as an incident of every customer with the requester's email.
 * Recording is an idempotent put that never reopens a resolved incident, so a redelivery is harmless.
 */
export function makeHandler(deps: HelpdeskWebhookDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const platform = (event.rawPath ?? '').replace(/^\/+|\/+$/g, '').toLowerCase();
    const refuse = (statusCode: number, reason: string) => {
      deps.logger.warn('ticket refused', { platform, statusCode, reason });
      return webhookResponse(statusCode, { error: reason });
    };
    if (!isHelpdeskPlatform(platform))
      return refuse(404, `no such endpoint: POST to /${helpdeskPlatforms.join(', /')}`);
    if (event.requestContext?.http?.method !== 'POST') return refuse(405, 'only POST is accepted');
    const body = rawBody(event);
    if (body.length > MAX_WEBHOOK_BYTES)
      return refuse(413, `the body is larger than ${MAX_WEBHOOK_BYTES} bytes`);
    const now = deps.now();
    const verify = (secrets: IntegrationSecrets): Verdict => {
      const secret = secretFor(secrets, platform);
      if (secret === undefined)
        return refused(`no ${platform} secret is configured: put it in the integration secret`);
      return verifyHelpdeskRequest({
        platform,
        headers: event.headers ?? {},
        query: event.queryStringParameters ?? {},
        body,
        secret,
        now,
      });
    };
    let verdict = verify(await deps.secrets.current());
    // The owner may have just put the secret: read it again (at most once a minute) before refusing.
    const fresh = verdict.ok ? undefined : await deps.secrets.refreshed();
    if (fresh !== undefined) verdict = verify(fresh);
    if (!verdict.ok) return refuse(verdict.status, verdict.reason);
    const json = jsonOf(body);
    if (!json.ok) return refuse(400, 'the body is not JSON');
    const read = readHelpdeskTicket(platform, json.value, deps.mapping, now);
    if (!read.ok) return refuse(400, read.reason);
    if (!('facts' in read)) {
      const { result } = await applyLiveChange(read.change, deps);
      deps.logger.info('ticket applied', { platform, id: read.id, result });
      return webhookResponse(200, { result });
    }
    const customerIds = await deps.directory.customerIdsByEmail(read.facts.email);
    if (customerIds.length === 0) {
      const result = 'ignored: no customer has the requester email';
      deps.logger.info('ticket applied', { platform, result });
      return webhookResponse(200, { result });
    }
    const results: string[] = [];
    for (const customerId of customerIds) {
      const incident = read.facts.incidentFor(customerId);
      if (!incident.ok) return refuse(400, incident.reason);
      results.push((await applyLiveChange(incident.change, deps)).result);
      deps.logger.info('ticket applied', { platform, id: incident.id, result: results.at(-1) });
    }
    return webhookResponse(200, { result: [...new Set(results)].join(', ') });
  };
}

export const handler = lazyHandler(async () => {
  // The config schema and the baked bundle load on the first event; the SDK clients' packages with
  // the module, in Lambda's init phase.
  const { loadRuntimeBundle } = await import('./runtime-bundle.ts');
  const lambda = lambdaComposition(HelpdeskWebhookEnvironment, () => ({
    dynamodb: dynamoDbClient(),
    secretsManager: secretsManagerClient(),
  }));
  return makeHandler(
    helpdeskWebhookDeps({
      ...lambda,
      bundle: loadRuntimeBundle(),
      integrationSecrets: lambdaIntegrationSecrets(lambda),
    }),
  );
});
