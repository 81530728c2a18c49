import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import * as z from 'zod';

/** An object created in a bucket, as s3rver reports it (its key as stored, not URL-encoded). */
export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
}

export interface S3Local {
  readonly endpoint: string;
  /** Calls `listener` for every object created (put, posted or copied), as S3 event notifications would. */
  onObjectCreated(listener: (object: CreatedObject) => void): void;
  stop(): Promise<void>;
}

/** The part of s3rver's notification read here. */
const NotificationSchema = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      s3: z.object({
        bucket: z.object({ name: z.string() }),
        object: z.object({ key: z.string(), size: z.number().default(0) }),
      }),
    }),
  ),
});

/** Starts s3rver on 127.0.0.1 and a free port, in a temporary directory removed on stop. */
export async function startS3Local(options: { buckets?: readonly string[] } = {}): Promise<S3Local> {
  const directory = await mkdtemp(join(tmpdir(), 'rekindle-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    onObjectCreated: (listener) => {
      server.on('event', (notification) => {
        const parsed = NotificationSchema.safeParse(notification);
        if (!parsed.success) return;
        for (const record of parsed.data.Records)
          if (record.eventName.startsWith('ObjectCreated:'))
            listener({
              bucket: record.s3.bucket.name,
              key: record.s3.object.key,
              size: record.s3.object.size,
            });
      });
    },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
