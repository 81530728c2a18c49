import * as z from 'zod';

/**
 * The environment each Lambda reads, declared once: infra sets exactly these names and handlers
 * parse them at cold start, so a missing variable fails loudly before any event is handled.
 */
export const EnvironmentNames = {
  tableName: 'TABLE_NAME',
  importBucket: 'IMPORT_BUCKET',
  scheduleGroup: 'SCHEDULE_GROUP',
  schedulerRoleArn: 'SCHEDULER_ROLE_ARN',
  sendQueueArn: 'SEND_QUEUE_ARN',
  sendDeadLetterQueueArn: 'SEND_DLQ_ARN',
  configurationSet: 'SES_CONFIGURATION_SET',
  unsubscribeUrl: 'UNSUBSCRIBE_URL',
  linkSecretArn: 'LINK_SECRET_ARN',
  segmentQueueUrl: 'SEGMENT_QUEUE_URL',
  inboundBucket: 'INBOUND_BUCKET',
  inboundPrefix: 'INBOUND_PREFIX',
  integrationSecretArn: 'INTEGRATION_SECRET_ARN',
} as const;

/**
 * The import bucket's layout, shared by infra (notification filter, grants, lifecycle rules) and
 * import-file: files dropped under `imports` are imported, each report is written under `reports`.
 */
export const ImportBucketPrefixes = {
  imports: 'imports/',
  reports: 'reports/',
} as const;

const arn = z.string().startsWith('arn:', 'must be an ARN');

/** What each variable must hold, by the name the code knows it by. */
const variables = {
  tableName: z.string().min(1),
  importBucket: z.string().min(1),
  scheduleGroup: z.string().min(1),
  schedulerRoleArn: arn,
  sendQueueArn: arn,
  sendDeadLetterQueueArn: arn,
  configurationSet: z.string().min(1),
  unsubscribeUrl: z.url(),
  linkSecretArn: arn,
  segmentQueueUrl: z.url(),
  inboundBucket: z.string().min(1),
  inboundPrefix: z.string().default(''),
  integrationSecretArn: arn,
} satisfies Record<keyof typeof EnvironmentNames, z.ZodType>;

export type EnvironmentKey = keyof typeof EnvironmentNames;

/**
 * The names of the stack's resources, keyed as the code knows them (`tableName`, not `TABLE_NAME`):
 * on Lambda read from the environment (`readEnvironment`), locally `localNames`.
 */
export type StackNames = { readonly [K in EnvironmentKey]: z.output<(typeof variables)[K]> };

/** import-file and ingest-event: the table. */
export const ImportEnvironment = ['tableName'] as const;
/** A function creating step schedules: the table, the schedule group and the schedules' target. */
export const SchedulingEnvironment = [
  'tableName',
  'scheduleGroup',
  'schedulerRoleArn',
  'sendQueueArn',
  'sendDeadLetterQueueArn',
] as const;
/** send-step: scheduling, the configuration set and the signed unsubscribe links. */
export const SendEnvironment = [
  ...SchedulingEnvironment,
  'configurationSet',
  'unsubscribeUrl',
  'linkSecretArn',
] as const;
/** The segmentation planner: the table, and the queue each scan segment is sent to. */
export const PlanSegmentationEnvironment = ['tableName', 'segmentQueueUrl'] as const;
/** record-engagement: SES events from EventBridge into the table. */
export const EngagementEnvironment = ['tableName'] as const;
/** receive-reply: SES receipt rule stores the raw mail in INBOUND_BUCKET under INBOUND_PREFIX. */
export const ReplyEnvironment = [
  'tableName',
  'inboundBucket',
  'inboundPrefix',
  'configurationSet',
  'linkSecretArn',
] as const;
/** unsubscribe: the Function URL behind every List-Unsubscribe link. */
export const UnsubscribeEnvironment = ['tableName', 'linkSecretArn'] as const;

/**
 * The Shopify webhook endpoint: the table, the data bucket for data requests (the import bucket)
 * and the secret holding the app's client secret. INBOUND_BUCKET is read when replies are deployed.
 */
export const ShopifyWebhookEnvironment = ['tableName', 'importBucket', 'integrationSecretArn'] as const;
/** Shopify's EventBridge delivery: the same, without a secret (EventBridge authenticates the source). */
export const ShopifyEventEnvironment = ['tableName', 'importBucket'] as const;
/** Stripe's EventBridge delivery: the table. */
export const StripeEventEnvironment = ['tableName'] as const;
/** The helpdesk webhook endpoint: the table and the secret holding each helpdesk's secret. */
export const HelpdeskWebhookEnvironment = ['tableName', 'integrationSecretArn'] as const;

/** A required variable is missing or malformed; raised at cold start. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/**
 * Reads the variables named by `keys` from `env` (each under its name in EnvironmentNames) into
 * StackNames, naming every missing or bad variable.
 */
export function readEnvironment<K extends EnvironmentKey>(
  keys: readonly K[],
  env: Readonly<Record<string, string | undefined>>,
): Pick<StackNames, K> {
  const schema = z.object(Object.fromEntries(keys.map((key) => [EnvironmentNames[key], variables[key]])));
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new EnvironmentError(`Lambda environment is incomplete:\n${z.prettifyError(result.error)}`);
  }
  const parsed: Record<string, unknown> = result.data;
  // Each value was parsed by its key's schema just above, so it has that key's type.
  return Object.fromEntries(keys.map((key) => [key, parsed[EnvironmentNames[key]]])) as Pick<StackNames, K>;
}
