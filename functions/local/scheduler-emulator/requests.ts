import * as z from 'zod';
import { validation } from './errors.ts';

const NAME_PATTERN = /^[0-9a-zA-Z-_.]+$/;
const CLIENT_TOKEN_PATTERN = /^[a-zA-Z0-9-_]+$/;

/** The service's timestamps travel as epoch seconds (restJson1 default); strings are accepted for curl users. */
const TimestampSchema = z.union([z.number(), z.iso.datetime({ offset: true })]).transform((value) => {
  return typeof value === 'number' ? Math.round(value * 1000) : Date.parse(value);
});

/** The service model's patterns (Scheduler API reference: Target, DeadLetterConfig, CreateSchedule). */
export const ROLE_ARN_PATTERN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
export const DEAD_LETTER_ARN_PATTERN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;
export const KMS_KEY_ARN_PATTERN = /^arn:aws(-[a-z]+)?:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[0-9a-zA-Z-_]*$/;

export const TargetSchema = z.looseObject({
  Arn: z.string().min(1).max(1600),
  RoleArn: z.string().min(1).max(1600).regex(ROLE_ARN_PATTERN),
  Input: z.string().min(1).optional(),
  DeadLetterConfig: z
    .object({ Arn: z.string().min(1).max(1600).regex(DEAD_LETTER_ARN_PATTERN).optional() })
    .optional(),
  RetryPolicy: z
    .object({
      MaximumEventAgeInSeconds: z.number().int().min(60).max(86_400).optional(),
      MaximumRetryAttempts: z.number().int().min(0).max(185).optional(),
    })
    .optional(),
  SqsParameters: z.object({ MessageGroupId: z.string().min(1).max(128).optional() }).optional(),
});
export type Target = z.infer<typeof TargetSchema>;

export const FlexibleTimeWindowSchema = z.object({
  Mode: z.enum(['OFF', 'FLEXIBLE']),
  MaximumWindowInMinutes: z.number().int().min(1).max(1440).optional(),
});
export type FlexibleTimeWindow = z.infer<typeof FlexibleTimeWindowSchema>;

/** The body of CreateSchedule and UpdateSchedule (the name is in the path). */
export const ScheduleBodySchema = z.object({
  ScheduleExpression: z.string().min(1).max(256),
  Target: TargetSchema,
  FlexibleTimeWindow: FlexibleTimeWindowSchema,
  GroupName: z.string().optional(),
  StartDate: TimestampSchema.optional(),
  EndDate: TimestampSchema.optional(),
  Description: z.string().max(512).optional(),
  ScheduleExpressionTimezone: z.string().min(1).max(50).optional(),
  State: z.enum(['ENABLED', 'DISABLED']).optional(),
  KmsKeyArn: z.string().min(1).max(2048).regex(KMS_KEY_ARN_PATTERN).optional(),
  ClientToken: z.string().min(1).max(64).regex(CLIENT_TOKEN_PATTERN).optional(),
  ActionAfterCompletion: z.enum(['NONE', 'DELETE']).optional(),
});
export type ScheduleBody = z.infer<typeof ScheduleBodySchema>;

export const CreateGroupBodySchema = z.object({
  ClientToken: z.string().min(1).max(64).regex(CLIENT_TOKEN_PATTERN).optional(),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
});

/** Parses `input` or throws the ValidationException the service would send, naming each bad field. */
export function parseBody<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const count = result.error.issues.length;
  const noun = count === 1 ? 'error' : 'errors';
  const details = result.error.issues.map((issue) => serviceWording(issue, input)).join('; ');
  throw validation(`${count} validation ${noun} detected: ${details}`, { cause: result.error });
}

/** The service's member path: `Target.RoleArn` is `target.roleArn`. */
const memberPath = (path: readonly PropertyKey[]) =>
  path
    .map((part) => (typeof part === 'string' ? part.charAt(0).toLowerCase() + part.slice(1) : String(part)))
    .join('.');

/** The value at `path` in the request, as the service quotes it ("null" when absent). */
function valueAt(input: unknown, path: readonly PropertyKey[]): string {
  let value: unknown = input;
  for (const part of path) {
    if (typeof value !== 'object' || value === null || typeof part === 'symbol') return 'null';
    value = Reflect.get(value, part);
  }
  if (value === undefined || value === null) return 'null';
  return `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
}

/** One issue as the service words it: "Value '…' at 'target.roleArn' failed to satisfy constraint: …". */
function serviceWording(issue: z.core.$ZodIssue, input: unknown): string {
  const where = `Value ${valueAt(input, issue.path)} at '${memberPath(issue.path)}' failed to satisfy constraint: `;
  switch (issue.code) {
    case 'too_small':
      return `${where}Member must have ${issue.origin === 'string' ? 'length' : 'value'} greater than or equal to ${issue.minimum}`;
    case 'too_big':
      return `${where}Member must have ${issue.origin === 'string' ? 'length' : 'value'} less than or equal to ${issue.maximum}`;
    case 'invalid_format':
      return `${where}Member must satisfy regular expression pattern: ${'pattern' in issue && typeof issue.pattern === 'string' ? issue.pattern.replace(/^\/|\/[a-z]*$/g, '') : issue.format}`;
    case 'invalid_value':
      return `${where}Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`;
    case 'invalid_type':
      return valueAt(input, issue.path) === 'null'
        ? `${where}Member must not be null`
        : `${where}Member must be of type ${issue.expected}`;
    default:
      return `${where}${issue.message}`;
  }
}

/** Schedule and group names: 1–64 of `[0-9a-zA-Z-_.]`, reported in the service's own wording. */
export function checkName(value: string, field: 'name' | 'groupName'): string {
  if (value.length < 1 || value.length > 64) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have length ${value.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 64'}`,
    );
  }
  if (!NAME_PATTERN.test(value)) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$`,
    );
  }
  return value;
}

/** The query string's MaxResults: 1–100. */
export function parseMaxResults(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw validation(
      `1 validation error detected: Value '${raw}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
    );
  }
  return value;
}
