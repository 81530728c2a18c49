import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Event } from 'aws-lambda';
import { describeImport, type ImportReport, importStream } from '../core/import/import-file.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { ObjectReader } from '../ports/object-stream.ts';
import type { ForgottenRegister } from '../ports/privacy-store.ts';
import type { ImportSink } from '../ports/segmentation-store.ts';
import { dynamoDbClient } from './clients/dynamodb.ts';
import { s3Client } from './clients/s3.ts';
import { importFileDeps } from './composition/objects.ts';
import { ImportBucketPrefixes, ImportEnvironment } from './environment.ts';
import { lambdaComposition } from './lambda.ts';
import { lazyHandler } from './lazy-handler.ts';

export interface ImportFileDeps {
  readonly store: ImportSink;
  /** Writes the report. */
  readonly objects: ObjectStore;
  /** People erased on request; their rows are never written again. */
  readonly forgotten: ForgottenRegister;
  /** Streams the file; without it the file is read whole through `objects`. */
  readonly reader?: ObjectReader;
  /** The zone of dates written without one (WooCommerce's CSV export): config `shop.fallbackTimeZone`. */
  readonly timeZone?: string;
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
      const source = {
        file: key,
        ...kind,
        ...(deps.timeZone === undefined ? {} : { presetOptions: { timeZone: deps.timeZone } }),
      };
      const report = await importStream(chunks, source, deps.store, {
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
  // The config schema and the baked bundle load on the first event; the SDK clients' packages with
  // the module, in Lambda's init phase.
  const { loadRuntimeBundle } = await import('./runtime-bundle.ts');
  const lambda = lambdaComposition(ImportEnvironment, () => ({ dynamodb: dynamoDbClient(), s3: s3Client() }));
  return makeHandler(importFileDeps({ ...lambda, bundle: loadRuntimeBundle() }));
});
