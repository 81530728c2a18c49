import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../../ports/object-store.ts';

/** The ObjectStore over S3. */
export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client;

  constructor(client: S3Client) {
    this.#client = client;
  }

  async getText(bucket: string, key: string): Promise<string> {
    const result = await this.#client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (result.Body === undefined) return '';
    return result.Body.transformToString('utf-8');
  }

  async putText(bucket: string, key: string, body: string, contentType = 'application/json'): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
}
