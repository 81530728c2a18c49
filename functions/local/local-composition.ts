import { Logger } from '@aws-lambda-powertools/logger';
import type { RuntimeBundle } from '../build/runtime-bundle.ts';
import { redactingReplacer } from '../core/redact.ts';
import type { Composition, WithBundle, WithSecrets } from '../handlers/composition.ts';
import type { EnvironmentKey } from '../handlers/environment.ts';
import type { AwsClients } from '../handlers/wiring.ts';
import type { Clock } from '../ports/clock.ts';
import { localNames } from './local-names.ts';

/** How loud the local handlers are; the demo keeps them quiet. */
export type LocalLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

export const localLogger = (serviceName: string, logLevel: LocalLogLevel = 'WARN') =>
  new Logger({ serviceName, logLevel, jsonReplacerFn: redactingReplacer });

/**
 * The local stack's input to the composition root: every name but the three a local stack has no
 * use for (it is given the link key and the integration secrets itself, and its segment queue is
 * in-process).
 */
export type LocalComposition = Composition<
  Exclude<EnvironmentKey, 'linkSecretArn' | 'segmentQueueUrl' | 'integrationSecretArn'>
> &
  WithBundle &
  WithSecrets;

/**
 * The composition root's input for a local stack: the runtime's clients (its emulators), the local
 * names where CDK would generate them, the virtual clock, the local link key and no metrics. The
 * runtime and the send worker each build one (a worker thread has its own clients).
 */
export function localComposition(context: {
  readonly clients: AwsClients;
  readonly clock: Clock;
  readonly bundle: Pick<RuntimeBundle, 'config' | 'templates'>;
  readonly logLevel?: LocalLogLevel;
}): LocalComposition {
  return {
    clients: context.clients,
    names: localNames,
    clock: context.clock,
    bundle: { config: context.bundle.config, templates: context.bundle.templates },
    secrets: { linkSigningKey: localNames.linkSigningKey },
    logger: (serviceName) => localLogger(serviceName, context.logLevel),
  };
}
