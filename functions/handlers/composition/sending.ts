import type { SendStepHandlerDeps } from '../send-step.ts';
import { type Composition, tableStores, type WithBundle, type WithSecrets } from './core.ts';
import { mailer } from './mailer.ts';
import { type SchedulingNames, stepScheduler } from './scheduling.ts';

export function sendStepDeps(
  c: Composition<
    SchedulingNames | 'configurationSet' | 'unsubscribeUrl',
    'dynamodb' | 'sesv2' | 'scheduler'
  > &
    WithBundle &
    WithSecrets,
  stores = tableStores(c.clients, c.names.tableName),
): SendStepHandlerDeps {
  const metrics = c.metrics?.('send-step');
  return {
    store: stores.customers,
    enrolments: stores.enrolments,
    guard: stores.sendGuard,
    deferrals: stores.ledger,
    mailer: mailer(c),
    scheduler: stepScheduler(c),
    clock: c.clock,
    config: c.bundle.config,
    templates: c.bundle.templates,
    links: { unsubscribeUrl: c.names.unsubscribeUrl, signingKey: c.secrets.linkSigningKey },
    logger: c.logger('send-step'),
    ...(metrics === undefined ? {} : { metrics }),
  };
}
