import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RawMailSource } from '../../ports/raw-mail-source.ts';

/** RawMailSource over S3 GetObject/HeadObject, in the bucket the receipt rule's S3 action writes to. */
export class S3RawMailSource implements RawMailSource {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async size(key: string): Promise<number> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    return head.ContentLength ?? 0;
  }

  async erase(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async read(key: string): Promise<Uint8Array> {
    const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return result.Body === undefined ? new Uint8Array() : result.Body.transformToByteArray();
  }
}
