import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Webhook bodies are small JSON documents; a larger one is refused unread. */
export const MAX_WEBHOOK_BYTES = 1_000_000;

/** The raw bytes of a Function URL request's body, as the sender signed them. */
export const rawBody = (event: APIGatewayProxyEventV2): Buffer =>
  Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');

/** A one-line JSON answer: `{ "result": … }` when accepted, `{ "error": … }` when refused. */
export function webhookResponse(
  statusCode: number,
  body: Record<string, string>,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body: JSON.stringify(body),
  };
}

/** Parses a verified body as JSON; undefined when it is none. */
export function jsonOf(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}
