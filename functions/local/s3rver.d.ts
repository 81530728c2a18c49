// Minimal typings for s3rver (it ships none): only what functions/local/s3-local.ts uses.
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: unknown[] }[];
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** An S3 notification (`{ Records: [...] }`) for every object put, posted, copied or deleted. */
    on(event: 'event', listener: (notification: unknown) => void): this;
  }
}
