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
  const expected = createHmac('sha256', key).update(payload).digest().subarray(0, 16);
  const given = Buffer.from(mac, 'base64url');
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
