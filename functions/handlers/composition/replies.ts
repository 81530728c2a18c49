import { S3RawMailSource } from '../../adapters/s3/raw-mail-source.ts';
import type { ReceiveReplyHandlerDeps } from '../receive-reply.ts';
import {
  type Composition,
  engagementStores,
  metricsOf,
  tableStores,
  type WithBundle,
  type WithSecrets,
} from './core.ts';
import { mailer } from './mailer.ts';

export function receiveReplyDeps(
  c: Composition<
    'tableName' | 'configurationSet' | 'inboundBucket' | 'inboundPrefix',
    'dynamodb' | 'sesv2' | 's3'
  > &
    WithBundle &
    WithSecrets,
  stores = tableStores(c.clients, c.names.tableName),
): ReceiveReplyHandlerDeps {
  return {
    ...engagementStores(stores),
    pauses: stores.pauses,
    inbound: stores.inbound,
    customers: stores.customers,
    mailer: mailer(c),
    signingKey: c.secrets.linkSigningKey,
    config: c.bundle.config,
    ...metricsOf(c, 'receive-reply'),
    raw: new S3RawMailSource(c.clients.s3, c.names.inboundBucket),
    keyPrefix: c.names.inboundPrefix,
    logger: c.logger('receive-reply'),
  };
}
