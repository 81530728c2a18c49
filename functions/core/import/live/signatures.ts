import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether a request may be acted on: every live endpoint answers a refusal with its status and reason. */
export type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401; readonly reason: string };

export const refused = (reason: string): Verdict => ({ ok: false, status: 401, reason });
export const accepted: Verdict = { ok: true };

/** The base64 HMAC-SHA256 of `message` under `secret`, as Shopify and Zendesk sign. */
export function hmacBase64(secret: string, message: Buffer | string): string {
  return createHmac('sha256', secret).update(message).digest('base64');
}

/**
 * Compares two secrets or signatures in constant time. Both are hashed first, so the comparison
 * takes as long whatever their lengths (timingSafeEqual alone throws on different lengths).
 */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHmac('sha256', 'rekindle-compare').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected)) && given.length === expected.length;
}

/** A header by name, whatever its case (Function URLs lower-case them; tests and docs may not). */
export function header(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
