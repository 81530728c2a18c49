import { z } from 'zod';

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

export const ImportEnvironmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
});

export const SchedulingEnvironmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
  SCHEDULE_GROUP: z.string().min(1),
  SCHEDULER_ROLE_ARN: arn,
  SEND_QUEUE_ARN: arn,
  SEND_DLQ_ARN: arn,
});

export const SendEnvironmentSchema = SchedulingEnvironmentSchema.extend({
  SES_CONFIGURATION_SET: z.string().min(1),
  UNSUBSCRIBE_URL: z.url(),
  LINK_SECRET_ARN: arn,
});

/** The segmentation planner: the table, and the queue each scan segment is sent to. */
export const PlanSegmentationEnvironmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
  SEGMENT_QUEUE_URL: z.url(),
});

/** A required variable is missing or malformed; raised at cold start. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/** Parses `env` with `schema`, naming every missing or bad variable. */
export function parseEnvironment<T extends z.ZodType>(
  schema: T,
  env: Readonly<Record<string, string | undefined>>,
): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new EnvironmentError(`Lambda environment is incomplete:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** record-engagement: SES events from EventBridge into the table. */
export const EngagementEnvironmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
});

/** receive-reply: SES receipt rule stores the raw mail in INBOUND_BUCKET under INBOUND_PREFIX. */
export const ReplyEnvironmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
  INBOUND_BUCKET: z.string().min(1),
  INBOUND_PREFIX: z.string().default(''),
  SES_CONFIGURATION_SET: z.string().min(1),
  LINK_SECRET_ARN: arn,
});

/** unsubscribe: the Function URL behind every List-Unsubscribe link. */
export const UnsubscribeEnvironmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
  LINK_SECRET_ARN: arn,
});
