import { SchedulerApiError, validation } from './errors.ts';
import {
  atInstant,
  nextCronOccurrence,
  parseScheduleExpression,
  type ScheduleExpression,
} from './expressions.ts';
import type { ScheduleBody } from './requests.ts';
import { isValidTimeZone } from './time-zones.ts';

export const DEFAULT_GROUP = 'default';

/** One invocation the store has planned: the nominal time, and the moment within the flexible window it fires. */
export interface Occurrence {
  readonly scheduledAt: number;
  readonly dueAt: number;
}

/** A schedule as the emulator keeps it: the request as sent, plus what was derived from it. */
export interface ScheduleRecord {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  readonly body: ScheduleBody;
  readonly expression: ScheduleExpression;
  readonly timeZone: string;
  readonly creationDate: number;
  readonly lastModificationDate: number;
  /** Bumped on every change, so a post-firing delete never removes a schedule re-created meanwhile. */
  readonly version: number;
  readonly clientToken: string | undefined;
  readonly fingerprint: string;
  /** The next invocation; `undefined` once a schedule has nothing left to run (it is then "completed"). */
  next: Occurrence | undefined;
}

export interface ScheduleGroupRecord {
  readonly name: string;
  readonly arn: string;
  readonly creationDate: number;
  readonly lastModificationDate: number;
}

export interface ListSchedulesFilter {
  readonly groupName: string | undefined;
  readonly namePrefix: string | undefined;
  readonly state: string | undefined;
  readonly maxResults: number | undefined;
  readonly nextToken: string | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken: string | undefined;
}

const MAX_PAGE = 100;

/** In-memory schedules and groups with the service's validation, conflicts and not-found rules. */
export class ScheduleStore {
  readonly #region: string;
  readonly #accountId: string;
  readonly #groups = new Map<string, ScheduleGroupRecord>();
  readonly #schedules = new Map<string, ScheduleRecord>();
  #version = 0;

  constructor(region: string, accountId: string, now: number) {
    this.#region = region;
    this.#accountId = accountId;
    this.#groups.set(DEFAULT_GROUP, this.#newGroup(DEFAULT_GROUP, now));
  }

  scheduleArn(groupName: string, name: string): string {
    return `arn:aws:scheduler:${this.#region}:${this.#accountId}:schedule/${groupName}/${name}`;
  }

  /** CreateSchedule; a repeat with the same ClientToken and the same request returns the first result. */
  createSchedule(name: string, body: ScheduleBody, now: number): ScheduleRecord {
    const expression = checkSchedule(body, now);
    const groupName = body.GroupName ?? DEFAULT_GROUP;
    this.#requireGroup(groupName);
    const fingerprint = fingerprintOf(name, body);
    const existing = this.#schedules.get(key(groupName, name));
    if (existing !== undefined) {
      const replay = body.ClientToken !== undefined && existing.clientToken === body.ClientToken;
      if (replay && existing.fingerprint === fingerprint) return existing;
      throw new SchedulerApiError('ConflictException', `Schedule ${name} already exists.`);
    }
    const record = this.#build(name, groupName, body, expression, now, now, fingerprint);
    this.#schedules.set(key(groupName, name), record);
    return record;
  }

  /** UpdateSchedule: replaces every field, as the real API does (omitted optional fields reset). */
  updateSchedule(name: string, body: ScheduleBody, now: number): ScheduleRecord {
    const expression = checkSchedule(body, now);
    const existing = this.getSchedule(name, body.GroupName);
    const fingerprint = fingerprintOf(name, body);
    const record = this.#build(
      name,
      existing.groupName,
      body,
      expression,
      existing.creationDate,
      now,
      fingerprint,
    );
    this.#schedules.set(key(existing.groupName, name), record);
    return record;
  }

  getSchedule(name: string, groupName: string | undefined): ScheduleRecord {
    const group = groupName ?? DEFAULT_GROUP;
    this.#requireGroup(group);
    const record = this.#schedules.get(key(group, name));
    if (record === undefined)
      throw new SchedulerApiError('ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return record;
  }

  /** The record currently stored under that name, if any; no errors. */
  findSchedule(groupName: string, name: string): ScheduleRecord | undefined {
    return this.#schedules.get(key(groupName, name));
  }

  deleteSchedule(name: string, groupName: string | undefined): void {
    const record = this.getSchedule(name, groupName);
    this.#schedules.delete(key(record.groupName, record.name));
  }

  /** Deletes `record` only if it is still the stored version (the firing's ActionAfterCompletion DELETE). */
  deleteIfUnchanged(record: ScheduleRecord): boolean {
    const current = this.#schedules.get(key(record.groupName, record.name));
    if (current === undefined || current.version !== record.version) return false;
    this.#schedules.delete(key(record.groupName, record.name));
    return true;
  }

  listSchedules(filter: ListSchedulesFilter): Page<ScheduleRecord> {
    if (filter.groupName !== undefined) this.#requireGroup(filter.groupName);
    if (filter.state !== undefined && filter.state !== 'ENABLED' && filter.state !== 'DISABLED') {
      throw validation(
        `1 validation error detected: Value '${filter.state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`,
      );
    }
    const matching = [...this.#schedules.values()]
      .filter((record) => filter.groupName === undefined || record.groupName === filter.groupName)
      .filter((record) => filter.namePrefix === undefined || record.name.startsWith(filter.namePrefix))
      .filter((record) => filter.state === undefined || (record.body.State ?? 'ENABLED') === filter.state)
      .sort((a, b) => compare(key(a.groupName, a.name), key(b.groupName, b.name)));
    return paginate(matching, (record) => key(record.groupName, record.name), filter);
  }

  /** Every stored schedule, in group then name order. */
  allSchedules(): ScheduleRecord[] {
    return [...this.#schedules.values()].sort((a, b) =>
      compare(key(a.groupName, a.name), key(b.groupName, b.name)),
    );
  }

  createGroup(name: string, now: number): ScheduleGroupRecord {
    if (this.#groups.has(name))
      throw new SchedulerApiError('ConflictException', `Schedule group ${name} already exists.`);
    const group = this.#newGroup(name, now);
    this.#groups.set(name, group);
    return group;
  }

  getGroup(name: string): ScheduleGroupRecord {
    return this.#requireGroup(name);
  }

  /** Deletes the group and, as the service does, every schedule in it. */
  deleteGroup(name: string): void {
    if (name === DEFAULT_GROUP) throw validation('Cannot delete the default schedule group.');
    this.#requireGroup(name);
    this.#groups.delete(name);
    for (const [scheduleKey, record] of this.#schedules) {
      if (record.groupName === name) this.#schedules.delete(scheduleKey);
    }
  }

  listGroups(filter: Omit<ListSchedulesFilter, 'groupName' | 'state'>): Page<ScheduleGroupRecord> {
    const matching = [...this.#groups.values()]
      .filter((group) => filter.namePrefix === undefined || group.name.startsWith(filter.namePrefix))
      .sort((a, b) => compare(a.name, b.name));
    return paginate(matching, (group) => group.name, filter);
  }

  /**
   * The enabled schedule due at or before `now` that fires first (by due time, then name), in one
   * pass: the firing loop asks before every firing, and sorting tens of thousands of pending
   * schedules each time made a large run quadratic.
   */
  firstDue(now: number): ScheduleRecord | undefined {
    let first: ScheduleRecord | undefined;
    for (const record of this.#schedules.values()) {
      if (record.next === undefined || record.next.dueAt > now) continue;
      if ((record.body.State ?? 'ENABLED') !== 'ENABLED') continue;
      if (first === undefined || byDue(record, first) < 0) first = record;
    }
    return first;
  }

  /** The earliest due time among enabled schedules, in one pass. */
  nextDueAt(): number | undefined {
    let earliest: number | undefined;
    for (const record of this.#schedules.values()) {
      if (record.next === undefined || (record.body.State ?? 'ENABLED') !== 'ENABLED') continue;
      if (earliest === undefined || record.next.dueAt < earliest) earliest = record.next.dueAt;
    }
    return earliest;
  }

  /** Moves `record` past the occurrence it is firing; returns true when it has nothing more to run. */
  advance(record: ScheduleRecord, scheduledAt: number): boolean {
    record.next = occurrenceAfter(record, scheduledAt);
    return record.next === undefined;
  }

  #build(
    name: string,
    groupName: string,
    body: ScheduleBody,
    expression: ScheduleExpression,
    creationDate: number,
    now: number,
    fingerprint: string,
  ): ScheduleRecord {
    this.#version += 1;
    const record: ScheduleRecord = {
      name,
      groupName,
      arn: this.scheduleArn(groupName, name),
      body,
      expression,
      timeZone: body.ScheduleExpressionTimezone ?? 'UTC',
      creationDate,
      lastModificationDate: now,
      version: this.#version,
      clientToken: body.ClientToken,
      fingerprint,
      next: undefined,
    };
    record.next = firstOccurrence(record, now);
    return record;
  }

  #newGroup(name: string, now: number): ScheduleGroupRecord {
    return {
      name,
      arn: `arn:aws:scheduler:${this.#region}:${this.#accountId}:schedule-group/${name}`,
      creationDate: now,
      lastModificationDate: now,
    };
  }

  #requireGroup(name: string): ScheduleGroupRecord {
    const group = this.#groups.get(name);
    if (group === undefined)
      throw new SchedulerApiError('ResourceNotFoundException', `Schedule group ${name} does not exist.`);
    return group;
  }
}

/** The checks the body schema alone cannot express; returns the parsed expression. */
function checkSchedule(body: ScheduleBody, now: number): ScheduleExpression {
  const timeZone = body.ScheduleExpressionTimezone;
  if (timeZone !== undefined && !isValidTimeZone(timeZone))
    throw validation(`Invalid timezone: ${timeZone}.`);
  const window = body.FlexibleTimeWindow;
  if (window.Mode === 'FLEXIBLE' && window.MaximumWindowInMinutes === undefined) {
    throw validation('MaximumWindowInMinutes is required when the FlexibleTimeWindow mode is FLEXIBLE.');
  }
  if (window.Mode === 'OFF' && window.MaximumWindowInMinutes !== undefined) {
    throw validation('MaximumWindowInMinutes must not be set when the FlexibleTimeWindow mode is OFF.');
  }
  if (body.StartDate !== undefined && body.EndDate !== undefined && body.StartDate >= body.EndDate) {
    throw validation('The StartDate must be before the EndDate.');
  }
  const parsed = parseScheduleExpression(body.ScheduleExpression);
  if (!parsed.ok) throw validation(parsed.reason);
  // Strict where AWS is undocumented: a one-time schedule for a second already over is refused at
  // create (as others report the service does), never fired at once, so the demo catches it.
  if (parsed.value.kind === 'at') {
    const at = atInstant(parsed.value, timeZone ?? 'UTC');
    if (at < Math.floor(now / 1000) * 1000)
      throw validation(
        `The ScheduleExpression ${body.ScheduleExpression} is in the past (${new Date(at).toISOString()} is before ${new Date(now).toISOString()}).`,
      );
  }
  return parsed.value;
}

function firstOccurrence(record: ScheduleRecord, now: number): Occurrence | undefined {
  const expression = record.expression;
  switch (expression.kind) {
    case 'at':
      // StartDate and EndDate do not apply to one-time schedules (AWS ignores them too).
      return withWindow(record, atInstant(expression, record.timeZone));
    case 'rate': {
      // With no StartDate a rate schedule starts when it is created, as AWS documents.
      const anchor = record.body.StartDate ?? record.creationDate;
      const periods = Math.max(0, Math.ceil((now - anchor) / expression.intervalMs));
      return bounded(record, anchor + periods * expression.intervalMs);
    }
    case 'cron': {
      const from = Math.max(now, record.body.StartDate ?? now);
      return bounded(record, nextCronOccurrence(expression, from, record.timeZone));
    }
  }
}

function occurrenceAfter(record: ScheduleRecord, scheduledAt: number): Occurrence | undefined {
  const expression = record.expression;
  switch (expression.kind) {
    case 'at':
      return undefined;
    case 'rate':
      // Days are 24-hour durations, so a rate keeps its spacing across DST changes (as AWS does).
      return bounded(record, scheduledAt + expression.intervalMs);
    case 'cron':
      return bounded(record, nextCronOccurrence(expression, scheduledAt + 1, record.timeZone));
  }
}

function bounded(record: ScheduleRecord, scheduledAt: number | undefined): Occurrence | undefined {
  if (scheduledAt === undefined) return undefined;
  if (record.body.EndDate !== undefined && scheduledAt >= record.body.EndDate) return undefined;
  return withWindow(record, scheduledAt);
}

/**
 * A flexible window moves the invocation to a point inside it that a hash of the schedule and the
 * occurrence decides: spread like the real service, yet the same on every run.
 */
function withWindow(record: ScheduleRecord, scheduledAt: number): Occurrence {
  const minutes = record.body.FlexibleTimeWindow.MaximumWindowInMinutes;
  if (record.body.FlexibleTimeWindow.Mode !== 'FLEXIBLE' || minutes === undefined) {
    return { scheduledAt, dueAt: scheduledAt };
  }
  const seconds = fnv1a(`${record.groupName}/${record.name}@${scheduledAt}`) % (minutes * 60);
  return { scheduledAt, dueAt: scheduledAt + seconds * 1000 };
}

/** FNV-1a, 32-bit: small, stable and well spread for short strings. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function fingerprintOf(name: string, body: ScheduleBody): string {
  return canonicalJson({ ...body, Name: name });
}

/** JSON with object keys sorted, so equal requests compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => compare(a, b));
    return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function key(groupName: string, name: string): string {
  return `${groupName}\u0000${name}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byDue(a: ScheduleRecord, b: ScheduleRecord): number {
  const dueA = a.next?.dueAt ?? Number.POSITIVE_INFINITY;
  const dueB = b.next?.dueAt ?? Number.POSITIVE_INFINITY;
  return dueA - dueB || compare(a.name, b.name) || compare(a.groupName, b.groupName);
}

function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  filter: { readonly maxResults: number | undefined; readonly nextToken: string | undefined },
): Page<T> {
  let start = 0;
  if (filter.nextToken !== undefined) {
    const after = decodeToken(filter.nextToken);
    start = sorted.findIndex((item) => compare(keyOf(item), after) > 0);
    if (start < 0) start = sorted.length;
  }
  const size = filter.maxResults ?? MAX_PAGE;
  const items = sorted.slice(start, start + size);
  const last = items.at(-1);
  const more = start + size < sorted.length && last !== undefined;
  return { items, nextToken: more ? Buffer.from(keyOf(last), 'utf8').toString('base64url') : undefined };
}

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (decoded.length === 0 || Buffer.from(decoded, 'utf8').toString('base64url') !== token) {
    throw validation('Invalid NextToken.');
  }
  return decoded;
}
