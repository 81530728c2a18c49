import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Event } from 'aws-lambda';
import { DynamoForgottenRegister } from '../adapters/dynamo/privacy-store.ts';
import { DynamoSegmentationStore } from '../adapters/dynamo/segmentation-store.ts';
import { S3ObjectStore } from '../adapters/s3/object-store.ts';
import { S3ObjectReader } from '../adapters/s3/object-stream.ts';
import { describeImport, type ImportReport, importStream } from '../core/import/import-file.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { ObjectReader } from '../ports/object-stream.ts';
import type { ForgottenRegister } from '../ports/privacy-store.ts';
import type { ImportSink } from '../ports/segmentation-store.ts';
import { ImportBucketPrefixes, ImportEnvironmentSchema, parseEnvironment } from './environment.ts';
import { createClients, createLogger, lazyHandler } from './wiring.ts';

export interface ImportFileDeps {
  readonly store: ImportSink;
  /** Writes the report. */
  readonly objects: ObjectStore;
  /** People erased on request; their rows are never written again. */
  readonly forgotten: ForgottenRegister;
  /** Streams the file; without it the file is read whole through `objects`. */
  readonly reader?: ObjectReader;
  readonly logger: Logger;
}

/** Where the report of `imports/<path>` goes: `reports/<path>.report.json`, next to it. */
export const reportKeyFor = (key: string) => {
  const { imports, reports } = ImportBucketPrefixes;
  return `${reports}${key.startsWith(imports) ? key.slice(imports.length) : key}.report.json`;
};

/** Imports each file dropped under `imports/` and writes a report of written and rejected rows. */
export function makeHandler(deps: ImportFileDeps) {
  return async (event: S3Event): Promise<ImportReport[]> => {
    const reports: ImportReport[] = [];
    for (const record of event.Records) {
      const bucket = record.s3.bucket.name;
      // Keys in S3 events are URL-encoded, with spaces as "+".
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      const kind = describeImport(key);
      if (kind === undefined) {
        const report = {
          file: key,
          error: 'unknown file: expected customers*, orders* or incidents*, as .csv or .jsonl',
        };
        deps.logger.warn('import skipped', report);
        await deps.objects.putText(bucket, reportKeyFor(key), JSON.stringify(report, null, 2));
        continue;
      }
      const chunks = deps.reader?.streamText(bucket, key) ?? [await deps.objects.getText(bucket, key)];
      const report = await importStream(chunks, { file: key, ...kind }, deps.store, {
        forgotten: deps.forgotten,
      });
      await deps.objects.putText(bucket, reportKeyFor(key), JSON.stringify(report, null, 2));
      deps.logger.info('import done', {
        file: key,
        written: report.written,
        rejected: report.rejectedTotal,
        // The line the file is broken from (its reason, in the report, may quote the file).
        ...(report.stopped === undefined ? {} : { stoppedAtLine: report.stopped.line }),
      });
      reports.push(report);
    }
    return reports;
  };
}

export const handler = lazyHandler(async () => {
  const env = parseEnvironment(ImportEnvironmentSchema, process.env);
  const clients = createClients();
  return makeHandler({
    store: new DynamoSegmentationStore(clients.dynamodb, env.TABLE_NAME),
    objects: new S3ObjectStore(clients.s3),
    forgotten: new DynamoForgottenRegister(clients.dynamodb, env.TABLE_NAME),
    reader: new S3ObjectReader(clients.s3),
    logger: createLogger('import-file'),
  });
});
