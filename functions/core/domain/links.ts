import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an unsubscribe or reply token names: the customer and the send it came from. */
export interface LinkClaims {
  readonly customerId: string;
  readonly enrolmentId: string;
  readonly stepIndex: number;
  readonly purpose: 'unsubscribe' | 'reply';
}

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** `<payload>.<mac>`, base64url; the MAC is HMAC-SHA256 truncated to 128 bits. */
export function signLink(claims: LinkClaims, key: string): string {
  const payload = encode(
    JSON.stringify([claims.purpose, claims.customerId, claims.enrolmentId, claims.stepIndex]),
  );
  const mac = createHmac('sha256', key).update(payload).digest().subarray(0, 16).toString('base64url');
  return `${payload}.${mac}`;
}

/** The claims of a genuine token, or undefined for a forged, altered or malformed one. */
export function verifyLink(token: string, key: string): LinkClaims | undefined {
  const [payload, mac, extra] = token.split('.');
  if (payload === undefined || mac === undefined || extra !== undefined) return undefined;
  // Compared as text: decoding would accept padding, spaces and the spare bits of the last character.
  const expected = Buffer.from(
    createHmac('sha256', key).update(payload).digest().subarray(0, 16).toString('base64url'),
  );
  const given = Buffer.from(mac);
  // Constant-time comparison: a timing difference must not reveal how much of the MAC was right.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 4) return undefined;
    const [purpose, customerId, enrolmentId, stepIndex] = decoded;
    if (
      (purpose !== 'unsubscribe' && purpose !== 'reply') ||
      typeof customerId !== 'string' ||
      typeof enrolmentId !== 'string' ||
      typeof stepIndex !== 'number'
    ) {
      return undefined;
    }
    return { purpose, customerId, enrolmentId, stepIndex };
  } catch {
    return undefined;
  }
}

/** RFC 4648 base32 without padding, lower case: survives mail systems that change the case of addresses. */
const base32Alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31];
  return out;
}

function fromBase32(text: string): Buffer | undefined {
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of text.toLowerCase()) {
    const index = base32Alphabet.indexOf(char);
    if (index < 0) return undefined;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** What a reply address names: the customer and the step. Their one active enrolment is looked up. */
export interface ReplyClaims {
  readonly customerId: string;
  readonly stepIndex: number;
}

/** The longest local part RFC 5321 allows; a longer reply address would be refused by mail servers. */
export const maxLocalPartLength = 64;

const replyMac = (claims: ReplyClaims, key: string) =>
  base32(
    createHmac('sha256', key)
      .update(`reply\u0000${claims.stepIndex}\u0000${claims.customerId}`)
      .digest()
      .subarray(0, 8),
  );

/**
 * A reply token short enough for an address's local part: `<step>.<customer id, base32>.<64-bit MAC>`,
 * all lower case. Undefined when the customer id is too long to fit (then no per-send address is used).
 */
export function signReplyToken(claims: ReplyClaims, key: string, prefix = 'r+'): string | undefined {
  const token = `${claims.stepIndex}.${base32(Buffer.from(claims.customerId, 'utf8'))}.${replyMac(claims, key)}`;
  return prefix.length + token.length <= maxLocalPartLength ? token : undefined;
}

/** The claims of a genuine reply token (any letter case), or undefined for a forged or altered one. */
export function verifyReplyToken(token: string, key: string): ReplyClaims | undefined {
  const match = /^(\d{1,3})\.([a-z2-7]+)\.([a-z2-7]{13})$/i.exec(token);
  if (match === null) return undefined;
  const customerBytes = fromBase32(match[2] ?? '');
  if (customerBytes === undefined) return undefined;
  const claims = { customerId: customerBytes.toString('utf8'), stepIndex: Number(match[1]) };
  // Only the one spelling signReplyToken writes: no leading zeros, no spare bits, valid UTF-8.
  if (
    String(claims.stepIndex) !== match[1] ||
    base32(Buffer.from(claims.customerId, 'utf8')) !== match[2]?.toLowerCase()
  )
    return undefined;
  const expected = Buffer.from(replyMac(claims, key));
  const given = Buffer.from((match[3] ?? '').toLowerCase());
  // Constant-time comparison, as for links.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return claims;
}
