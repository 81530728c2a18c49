import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { type ClientTarget, clientOptions, withoutSdkLogger } from './client-options.ts';

/** The EventBridge Scheduler client, built once per container; `target` points it at a local stack's emulator. */
export function schedulerClient(target?: ClientTarget): SchedulerClient {
  return withoutSdkLogger(new SchedulerClient(clientOptions('scheduler', target)));
}
