import { S3Client } from '@aws-sdk/client-s3';
import { type ClientTarget, clientOptions, withoutSdkLogger } from './client-options.ts';

/** The S3 client, built once per container; `target` points it at a local stack's emulator. */
export function s3Client(target?: ClientTarget): S3Client {
  // Path-style addressing works on AWS and in s3rver alike.
  return withoutSdkLogger(new S3Client({ ...clientOptions('s3', target), forcePathStyle: true }));
}
