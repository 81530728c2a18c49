/**
 * The SES message tags a send carries and its events bring back: the encoder (used by the mailer
 * and the local recipient simulator) and the parser (used by the SES event parser) side by side.
 *
 * SES allows only ASCII letters, digits, `_` and `-` in a tag value, at most 256 characters (SES v2
 * API reference, MessageTag). Values are encoded reversibly: letters, digits and `-` stand for
 * themselves, every other UTF-8 byte is `_` and two lower-case hex digits (`cust 1` → `cust_201`,
 * `cust_1` → `cust_5f1`, `josé` → `jos_c3_a9`). A value whose encoding is longer than 256
 * characters cannot be sent; the import refuses such customer ids (`tagValueFits`).
 *
 * Sends before this encoding replaced every other character with `_`, a rewrite that made `cust 1`
 * and `cust_1` the same tag. Sends now carry `tagEncoding`; a message without it is read the old
 * way, and only a value the old rewrite left untouched (no `_`, not cut at 256) is trusted.
 */

/** SES's limit on a tag value's length. */
export const TAG_VALUE_MAX = 256;

/** The tag that marks a message's values as encoded by `encodeTagValue`. */
export const tagEncodingTag = { name: 'tagEncoding', value: 'hex1' } as const;

const plain = /^[A-Za-z0-9-]$/;
const encodedPattern = /^(?:[A-Za-z0-9-]|_[0-9a-f]{2})+$/;
/** What the pre-`tagEncoding` rewrite left as it was, and shorter than its cut. */
const legacyExact = /^[A-Za-z0-9.@-]{1,255}$/;
const utf8 = new TextEncoder();

/** The tag value for `value`, or undefined when it is empty or encodes to more than 256 characters. */
export function encodeTagValue(value: string): string | undefined {
  if (value === '') return undefined;
  let out = '';
  for (const byte of utf8.encode(value)) {
    const char = String.fromCharCode(byte);
    out += plain.test(char) ? char : `_${byte.toString(16).padStart(2, '0')}`;
    if (out.length > TAG_VALUE_MAX) return undefined;
  }
  return out;
}

/**
 * The value `encoded` stands for, or undefined when it is not an encoding `encodeTagValue` makes
 * (bad escapes, bytes that are not UTF-8, an escaped character that needed none).
 */
export function decodeTagValue(encoded: string): string | undefined {
  if (encoded.length > TAG_VALUE_MAX || !encodedPattern.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let at = 0; at < encoded.length; at += 1) {
    if (encoded[at] === '_') {
      bytes.push(Number.parseInt(encoded.slice(at + 1, at + 3), 16));
      at += 2;
    } else bytes.push(encoded.charCodeAt(at));
  }
  let value: string;
  try {
    value = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
  // One value, one encoding: `_61` for `a` would let two tags name the same id.
  return encodeTagValue(value) === encoded ? value : undefined;
}

/** True when `value` can travel in a message tag (see `TAG_VALUE_MAX`). */
export const tagValueFits = (value: string) => encodeTagValue(value) !== undefined;

export type EncodedTags =
  | { readonly ok: true; readonly tags: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly reason: string };

/** A send's tags as SES takes them, with `tagEncoding`; refuses a value that cannot be encoded. */
export function encodeMessageTags(tags: Readonly<Record<string, string>>): EncodedTags {
  const encoded: Record<string, string> = { [tagEncodingTag.name]: tagEncodingTag.value };
  for (const [name, value] of Object.entries(tags)) {
    const tag = encodeTagValue(value);
    if (tag === undefined)
      return {
        ok: false,
        reason: `message tag "${name}" cannot carry its value (${value === '' ? 'empty' : `${value.length} characters encode to more than ${TAG_VALUE_MAX}`})`,
      };
    encoded[name] = tag;
  }
  return { ok: true, tags: encoded };
}

/** A tag read back from an SES event: absent, its exact value, or a value no send of ours made. */
export type ReadTag =
  | { readonly state: 'absent' }
  | { readonly state: 'ok'; readonly value: string }
  | { readonly state: 'invalid'; readonly raw: string };

/** Reads our tags from an event's `mail.tags` (every value a one-element array, as SES publishes). */
export function messageTagReader(tags: Readonly<Record<string, readonly string[]>>) {
  const encoded = tags[tagEncodingTag.name]?.[0];
  return (name: string): ReadTag => {
    const raw = tags[name]?.[0];
    if (raw === undefined) return { state: 'absent' };
    const value =
      encoded === tagEncodingTag.value
        ? decodeTagValue(raw)
        : encoded === undefined && legacyExact.test(raw)
          ? raw
          : undefined;
    return value === undefined ? { state: 'invalid', raw } : { state: 'ok', value };
  };
}

/** Which send an email is: the ids it carries back in its SES message tags. */
export interface SendTags {
  readonly customerId: string;
  readonly enrolmentId: string;
  readonly sequenceId: string;
  readonly segmentId: string;
  readonly stepId: string;
  readonly stepIndex: number;
}

/** The tag name of each id: the one place that spells them (SES limits names to 256 of [A-Za-z0-9_-]). */
const sendTagNames = {
  customerId: 'customer',
  enrolmentId: 'enrolment',
  sequenceId: 'sequence',
  segmentId: 'segment',
  stepId: 'step',
  stepIndex: 'stepIndex',
} as const satisfies Record<keyof SendTags, string>;

/** A send's ids as tags (plain values; `encodeMessageTags` encodes them for SES). */
export function toTags(send: SendTags): Record<string, string> {
  return {
    [sendTagNames.sequenceId]: send.sequenceId,
    [sendTagNames.stepId]: send.stepId,
    [sendTagNames.segmentId]: send.segmentId,
    [sendTagNames.customerId]: send.customerId,
    [sendTagNames.enrolmentId]: send.enrolmentId,
    [sendTagNames.stepIndex]: String(send.stepIndex),
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function idsFrom(value: (name: string) => string | undefined): Partial<SendTags> {
  const ids: Partial<Mutable<SendTags>> = {};
  for (const key of ['customerId', 'enrolmentId', 'sequenceId', 'segmentId', 'stepId'] as const) {
    const found = value(sendTagNames[key]);
    if (found !== undefined) ids[key] = found;
  }
  const index = value(sendTagNames.stepIndex);
  const stepIndex = index === undefined ? Number.NaN : Number.parseInt(index, 10);
  if (!Number.isNaN(stepIndex)) ids.stepIndex = stepIndex;
  return ids;
}

/** The ids of an email we built (its plain tags), as far as it has them. */
export function fromTags(tags: Readonly<Record<string, string>>): Partial<SendTags> {
  return idsFrom((name) => tags[name]);
}

/**
 * The ids an SES event carries back, decoded. If any of them is not a value a send of ours made,
 * none is trusted: the event is kept unattributed rather than applied to someone else.
 */
export function fromEventTags(tags: Readonly<Record<string, readonly string[]>>): Partial<SendTags> {
  const read = messageTagReader(tags);
  const values = new Map<string, string>();
  for (const name of Object.values(sendTagNames)) {
    const found = read(name);
    if (found.state === 'invalid') return {};
    if (found.state === 'ok') values.set(name, found.value);
  }
  return idsFrom((name) => values.get(name));
}
