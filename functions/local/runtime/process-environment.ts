import type { ClientTarget } from '../../handlers/wiring.ts';

/** Puts back what `exportEndpointEnvironment` changed. */
export interface ExportedEnvironment {
  restore(): void;
}

/**
 * Points the SDK's standard variables (AWS_ENDPOINT_URL_<SERVICE>, region, dummy credentials) at a
 * local stack, for commands a person (or a test) runs in this process against it; the stack's own
 * clients never read them. `restore()` puts back only the variables still holding these values, so
 * a runtime left over elsewhere cannot undo a newer one's.
 */
export function exportEndpointEnvironment(target: ClientTarget): ExportedEnvironment {
  const saved = { ...process.env };
  const exported: Record<string, string> = {
    AWS_REGION: target.region,
    // Local runs are on Node 20 by design; Lambda runs Node 22.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: target.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SESV2: target.endpoints.sesv2,
    AWS_ENDPOINT_URL_S3: target.endpoints.s3,
    AWS_ENDPOINT_URL_SCHEDULER: target.endpoints.scheduler,
  };
  Object.assign(process.env, exported);
  // A profile would win over the exported credentials.
  const profile = process.env.AWS_PROFILE;
  delete process.env.AWS_PROFILE;
  return {
    restore: () => {
      for (const [name, value] of Object.entries(exported)) {
        if (process.env[name] !== value) continue;
        const before = saved[name];
        if (before === undefined) delete process.env[name];
        else process.env[name] = before;
      }
      if (profile !== undefined && process.env.AWS_PROFILE === undefined) process.env.AWS_PROFILE = profile;
    },
  };
}
