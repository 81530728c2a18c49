import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface S3Local {
  readonly endpoint: string;
  stop(): Promise<void>;
}

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
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
