import { DynamoCustomerDirectory } from '../../adapters/dynamo/customer-directory.ts';
import { DynamoPrivacyStore } from '../../adapters/dynamo/privacy-store.ts';
import { S3ObjectStore } from '../../adapters/s3/object-store.ts';
import { S3ObjectReader } from '../../adapters/s3/object-stream.ts';
import type { ImportFileDeps } from '../import-file.ts';
import type { ShopifyEventDeps } from '../shopify-event.ts';
import type { ShopifyWebhookDeps } from '../shopify-webhook.ts';
import {
  type Composition,
  liveDataDeps,
  type TableStores,
  tableStores,
  type WithBundle,
  type WithInboundBucket,
  type WithIntegrationSecrets,
} from './core.ts';

/* The handlers that read or write the import bucket (S3) as well as the table. */

export function importFileDeps(
  c: Composition<'tableName', 'dynamodb' | 's3'> & WithBundle,
  stores = tableStores(c.clients, c.names.tableName),
): ImportFileDeps {
  return {
    store: stores.segmentation,
    objects: new S3ObjectStore(c.clients.s3),
    forgotten: stores.forgotten,
    reader: new S3ObjectReader(c.clients.s3),
    timeZone: c.bundle.config.shop.fallbackTimeZone,
    logger: c.logger('import-file'),
  };
}

/** What Shopify's two paths share: the writes, erasure as `rekindle forget` does it, data requests into the data bucket. */
function shopDataDeps(
  c: Composition<'tableName' | 'importBucket', 'dynamodb' | 's3'> & WithInboundBucket,
  stores: TableStores,
) {
  const objects = new S3ObjectStore(c.clients.s3);
  return {
    ...liveDataDeps(c, stores),
    privacy: new DynamoPrivacyStore(c.clients.dynamodb, c.names.tableName, objects, c.inboundBucket),
    customers: stores.customers,
    directory: new DynamoCustomerDirectory(c.clients.dynamodb, c.names.tableName),
    dataRequests: {
      write: (key: string, body: string) =>
        objects.putText(c.names.importBucket, key, body, 'application/json'),
    },
  };
}

export function shopifyWebhookDeps(
  c: Composition<'tableName' | 'importBucket', 'dynamodb' | 's3'> &
    WithIntegrationSecrets &
    WithInboundBucket,
  stores = tableStores(c.clients, c.names.tableName),
): ShopifyWebhookDeps {
  return {
    ...shopDataDeps(c, stores),
    secrets: c.integrationSecrets,
    logger: c.logger('shopify-webhook'),
  };
}

export function shopifyEventDeps(
  c: Composition<'tableName' | 'importBucket', 'dynamodb' | 's3'> & WithInboundBucket,
  stores = tableStores(c.clients, c.names.tableName),
): ShopifyEventDeps {
  return { ...shopDataDeps(c, stores), logger: c.logger('shopify-event') };
}
