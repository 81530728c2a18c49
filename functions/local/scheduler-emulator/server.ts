import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SchedulerApiError, validation } from './errors.ts';
import {
  CreateGroupBodySchema,
  checkName,
  parseBody,
  parseMaxResults,
  type ScheduleBody,
  ScheduleBodySchema,
} from './requests.ts';
import type { ScheduleGroupRecord, ScheduleRecord, ScheduleStore } from './store.ts';

const MAX_BODY_BYTES = 1_048_576;
const DEFAULT_RETRY = { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 } as const;

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

interface RouteContext {
  readonly store: ScheduleStore;
  readonly now: () => number;
}

/** The Scheduler REST API (restJson1) over node:http, routed onto the store. */
export function createSchedulerServer(context: RouteContext): Server {
  return createServer((request, response) => {
    handle(context, request)
      .then((reply) => send(response, reply.status, reply.body, undefined))
      .catch((error: unknown) => {
        const apiError =
          error instanceof SchedulerApiError
            ? error
            : new SchedulerApiError('InternalServerException', 'Internal error in the Scheduler emulator.', {
                cause: error,
              });
        send(response, apiError.status, { Message: apiError.message }, apiError.type);
      });
  });
}

function send(response: ServerResponse, status: number, body: unknown, errorType: string | undefined): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.setHeader('content-length', Buffer.byteLength(text));
  response.setHeader('x-amzn-requestid', crypto.randomUUID());
  if (errorType !== undefined) response.setHeader('x-amzn-errortype', errorType);
  response.end(text);
}

async function handle(context: RouteContext, request: IncomingMessage): Promise<Reply> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  const segments = url.pathname.split('/').filter((segment) => segment.length > 0);
  const [collection, encodedName, ...rest] = segments;
  if (rest.length > 0)
    throw new SchedulerApiError('ResourceNotFoundException', `No route for ${url.pathname}.`);
  const name = encodedName === undefined ? undefined : decodeURIComponent(encodedName);
  const query = url.searchParams;
  const { store, now } = context;

  if (collection === 'schedules' && name === undefined && method === 'GET') {
    const groupName = query.get('ScheduleGroup') ?? undefined;
    const page = store.listSchedules({
      groupName: groupName === undefined ? undefined : checkName(groupName, 'groupName'),
      namePrefix: query.get('NamePrefix') ?? undefined,
      state: query.get('State') ?? undefined,
      maxResults: parseMaxResults(query.get('MaxResults')),
      nextToken: query.get('NextToken') ?? undefined,
    });
    return ok({ Schedules: page.items.map(scheduleSummary), NextToken: page.nextToken });
  }
  if (collection === 'schedules' && name !== undefined) {
    checkName(name, 'name');
    const groupName = optionalGroup(query.get('groupName') ?? undefined);
    switch (method) {
      case 'POST': {
        const body = await scheduleBody(request);
        const record = store.createSchedule(name, body, now());
        return ok({ ScheduleArn: record.arn });
      }
      case 'PUT': {
        const body = await scheduleBody(request);
        const record = store.updateSchedule(name, body, now());
        return ok({ ScheduleArn: record.arn });
      }
      case 'GET':
        return ok(scheduleDetail(store.getSchedule(name, groupName)));
      case 'DELETE':
        store.deleteSchedule(name, groupName);
        return ok({});
    }
  }
  if (collection === 'schedule-groups' && name === undefined && method === 'GET') {
    const page = store.listGroups({
      namePrefix: query.get('NamePrefix') ?? undefined,
      maxResults: parseMaxResults(query.get('MaxResults')),
      nextToken: query.get('NextToken') ?? undefined,
    });
    return ok({ ScheduleGroups: page.items.map(groupDetail), NextToken: page.nextToken });
  }
  if (collection === 'schedule-groups' && name !== undefined) {
    checkName(name, 'name');
    switch (method) {
      case 'POST': {
        parseBody(CreateGroupBodySchema, await readJson(request));
        return ok({ ScheduleGroupArn: store.createGroup(name, now()).arn });
      }
      case 'GET':
        return ok(groupDetail(store.getGroup(name)));
      case 'DELETE':
        store.deleteGroup(name);
        return ok({});
    }
  }
  if (collection === 'tags' && name !== undefined) {
    // Tags are accepted and forgotten: nothing in Rekindle reads them back.
    return ok(method === 'GET' ? { Tags: [] } : {});
  }
  throw new SchedulerApiError('ResourceNotFoundException', `No route for ${method} ${url.pathname}.`);
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function optionalGroup(groupName: string | undefined): string | undefined {
  return groupName === undefined ? undefined : checkName(groupName, 'groupName');
}

async function scheduleBody(request: IncomingMessage): Promise<ScheduleBody> {
  const body = parseBody(ScheduleBodySchema, await readJson(request));
  optionalGroup(body.GroupName);
  return body;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw validation('Request body too large.');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed;
  } catch (error: unknown) {
    throw validation('The request body is not valid JSON.', { cause: error });
  }
}

/** Timestamps go back as epoch seconds, the restJson1 default the SDK parses. */
function seconds(epochMs: number | undefined): number | undefined {
  return epochMs === undefined ? undefined : epochMs / 1000;
}

function scheduleDetail(record: ScheduleRecord): Record<string, unknown> {
  const body = record.body;
  return {
    Arn: record.arn,
    GroupName: record.groupName,
    Name: record.name,
    ScheduleExpression: body.ScheduleExpression,
    ScheduleExpressionTimezone: record.timeZone,
    StartDate: seconds(body.StartDate),
    EndDate: seconds(body.EndDate),
    Description: body.Description,
    State: body.State ?? 'ENABLED',
    CreationDate: seconds(record.creationDate),
    LastModificationDate: seconds(record.lastModificationDate),
    KmsKeyArn: body.KmsKeyArn,
    Target: { ...body.Target, RetryPolicy: { ...DEFAULT_RETRY, ...body.Target.RetryPolicy } },
    FlexibleTimeWindow: body.FlexibleTimeWindow,
    ActionAfterCompletion: body.ActionAfterCompletion ?? 'NONE',
  };
}

function scheduleSummary(record: ScheduleRecord): Record<string, unknown> {
  return {
    Arn: record.arn,
    Name: record.name,
    GroupName: record.groupName,
    State: record.body.State ?? 'ENABLED',
    CreationDate: seconds(record.creationDate),
    LastModificationDate: seconds(record.lastModificationDate),
    Target: { Arn: record.body.Target.Arn },
  };
}

function groupDetail(group: ScheduleGroupRecord): Record<string, unknown> {
  return {
    Arn: group.arn,
    Name: group.name,
    State: 'ACTIVE',
    CreationDate: seconds(group.creationDate),
    LastModificationDate: seconds(group.lastModificationDate),
  };
}
