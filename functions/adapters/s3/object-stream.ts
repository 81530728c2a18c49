import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectReader } from '../../ports/object-stream.ts';

/** The ObjectReader over S3 GetObject, streaming the body. */
export class S3ObjectReader implements ObjectReader {
  readonly #client: S3Client;

  constructor(client: S3Client) {
    this.#client = client;
  }

  async *streamText(bucket: string, key: string): AsyncIterable<string> {
    const result = await this.#client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = result.Body;
    if (body === undefined) return;
    if (!(body instanceof Readable)) {
      yield await body.transformToString('utf-8');
      return;
    }
    // setEncoding decodes across chunk boundaries, so multi-byte characters arrive whole.
    body.setEncoding('utf8');
    for await (const chunk of body) yield String(chunk);
  }
}
