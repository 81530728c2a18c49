import { buildRuntimeBundle, type RuntimeBundle } from '../../functions/build/runtime-bundle.ts';
import type { RekindleConfig } from '../../functions/core/config/schema.ts';
import type { Customer } from '../../functions/core/customers/model.ts';
import type { StepMessage } from '../../functions/core/domain/step-message.ts';
import {
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from '../../functions/local/local-runtime.ts';

/** The project's own config and templates, compiled; `configure` changes the config a test runs with. */
export async function projectBundle(
  configure?: (config: RekindleConfig) => RekindleConfig,
): Promise<RuntimeBundle> {
  const built = await buildRuntimeBundle({ configFile: 'config/rekindle.yaml', templatesDir: 'templates' });
  return configure === undefined ? built : { ...built, config: configure(built.config) };
}

/**
 * The local runtime an integration test starts in its beforeAll (and stops in its afterAll): the
 * project's bundle unless one is given, handler logs silent.
 */
export async function startTestRuntime(
  options: Omit<LocalRuntimeOptions, 'bundle'> & { readonly bundle?: RuntimeBundle },
): Promise<LocalRuntime> {
  return startLocalRuntime({
    logLevel: 'SILENT',
    ...options,
    bundle: options.bundle ?? (await projectBundle()),
  });
}

/**
 * Writes the customer and enrols them, active, in gentle-winback for segment lapsed at
 * `enrolledAt`, as the segmenter would; returns the enrolment id
 * (`gentle-winback-<UTC day>-<customerId>` unless one is given).
 */
export async function enrolCustomer(
  runtime: Pick<LocalRuntime, 'store' | 'enrolments'>,
  customer: Customer,
  enrolledAt: number,
  enrolmentId = `gentle-winback-${new Date(enrolledAt).toISOString().slice(0, 10).replaceAll('-', '')}-${customer.customerId}`,
): Promise<string> {
  await runtime.store.putCustomers([customer]);
  await runtime.enrolments.createAssignment({
    enrolmentId,
    customerId: customer.customerId,
    sequenceId: 'gentle-winback',
    segmentId: 'lapsed',
    enrolledAt,
    state: 'active',
  });
  return enrolmentId;
}

/** The send queue's message for the first step of an enrolment `enrolCustomer` made, due at `dueAt`. */
export function firstStepMessage(customerId: string, enrolmentId: string, dueAt: number): { body: string } {
  const message: StepMessage = {
    version: 1,
    customerId,
    enrolmentId,
    sequenceId: 'gentle-winback',
    segmentId: 'lapsed',
    stepIndex: 0,
    dueAt,
  };
  return { body: JSON.stringify(message) };
}
