import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signLink } from '../../../functions/core/domain/links.ts';
import { unsubscribeEnrolmentId, unsubscribeKey, unsubscribeSetup } from '../../support/unsubscribe-setup.ts';
import { hostileString, prototypeKeys } from './arbitraries.ts';

const key = unsubscribeKey;
const enrolmentId = unsubscribeEnrolmentId;
const genuine = signLink({ customerId: 'lapsed-1', enrolmentId, stepIndex: 0, purpose: 'unsubscribe' }, key);
const replyToken = signLink({ customerId: 'lapsed-1', enrolmentId, stepIndex: 0, purpose: 'reply' }, key);

/** The "nothing was changed" sentence of each page language: what a refused request must show. */
const invalidSentences = [
  'This link is not valid or has been altered',
  'यह लिंक मान्य नहीं है',
  'આ લિંક માન્ય નથી',
  'මෙම සබැඳිය වලංගු නැත',
];

const setup = () => unsubscribeSetup('Northwind <Records> & "Co"');

interface Request {
  readonly method: string;
  readonly query?: Record<string, string>;
  readonly body?: string;
  readonly base64: boolean;
  readonly acceptLanguage?: string;
}

/** A Function URL event as Lambda builds it, from the parts a client controls. */
function event(request: Request): APIGatewayProxyEventV2 {
  const body =
    request.body === undefined
      ? undefined
      : request.base64
        ? Buffer.from(request.body).toString('base64')
        : request.body;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: new URLSearchParams(request.query ?? {}).toString(),
    headers: request.acceptLanguage === undefined ? {} : { 'accept-language': request.acceptLanguage },
    ...(request.query === undefined ? {} : { queryStringParameters: request.query }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'url',
      domainName: 'unsubscribe.example',
      domainPrefix: 'unsubscribe',
      http: {
        method: request.method,
        path: '/',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'fuzz',
      },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: request.base64,
  };
}

const method = fc.oneof(
  fc.constantFrom(
    'GET',
    'HEAD',
    'POST',
    'get',
    'Post',
    'PUT',
    'DELETE',
    'PATCH',
    'OPTIONS',
    'TRACE',
    'CONNECT',
  ),
  hostileString,
);
const formKey = fc.oneof(fc.constantFrom('t', 'action', 'List-Unsubscribe', ...prototypeKeys), hostileString);
const formValue = fc.oneof(
  fc.constantFrom('unsubscribe', 'pause', 'One-Click', genuine, replyToken),
  hostileString,
);
const form = fc
  .array(fc.tuple(formKey, formValue), { maxLength: 5 })
  .map((pairs) => new URLSearchParams(pairs).toString());
const body = fc.oneof(form, hostileString, fc.constant('t='.padEnd(9_000, 'x')));
const tokenLike = fc.oneof(
  hostileString,
  fc.constantFrom(replyToken, `${genuine}x`, genuine.toUpperCase(), `"><script>alert(1)</script>`),
);
const query = fc.dictionary(formKey, fc.oneof(tokenLike, formValue), { maxKeys: 4 });

const request = (token: fc.Arbitrary<Record<string, string>>, required: (keyof Request)[] = []) =>
  fc.record(
    {
      method,
      query: token,
      body,
      base64: fc.boolean(),
      acceptLanguage: fc.oneof(hostileString, fc.constantFrom('hi', 'gu-IN,en;q=0.5', 'si_LK')),
    },
    { requiredKeys: ['method', 'base64', ...required] },
  );

const text = (html: string | undefined) => html ?? '';

describe('unsubscribe requests under fuzzing', () => {
  it('answers any request without a genuine token with a 4xx page that says nothing changed', async () => {
    await fc.assert(
      fc.asyncProperty(request(query), async (candidate) => {
        const bodyCarriesToken = [genuine].some((token) => candidate.body?.includes(token));
        const queryCarriesToken = candidate.query?.t === genuine;
        fc.pre(!bodyCarriesToken && !queryCarriesToken);
        const { ledger, contacts, handle } = setup();
        const response = await handle(event(candidate));
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expect(invalidSentences.some((sentence) => text(response.body).includes(sentence))).toBe(true);
        expect(text(response.body)).not.toContain('<script');
        expect(contacts.statuses.size + ledger.events.size).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('answers a genuine token under any method, body and language with a page, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(request(fc.constant({ t: genuine }), ['query']), async (candidate) => {
        const { handle } = setup();
        const response = await handle(event(candidate));
        const upper = candidate.method.toUpperCase();
        const oversized = Buffer.byteLength(candidate.body ?? '') > 8_192;
        const fields = new URLSearchParams(candidate.body ?? '');
        const formToken = fields.get('t');
        // Only RFC 8058's body or the page's own form acts on a POST; anything else is shown the choice.
        const acts =
          fields.get('List-Unsubscribe') === 'One-Click' ||
          ['unsubscribe', 'pause'].includes(fields.get('action') ?? '');
        // A token in the form wins over the query's; a foreign one there makes the request invalid.
        const expected = oversized
          ? 413
          : formToken !== null && formToken !== genuine
            ? 400
            : upper === 'GET' || upper === 'HEAD'
              ? 200
              : upper === 'POST'
                ? acts
                  ? 200
                  : 400
                : 405;
        // A base64 body is decoded first, so its form is what counts.
        if (!candidate.base64) expect(response.statusCode).toBe(expected);
        expect(response.statusCode).toBeLessThan(500);
        expect(text(response.body)).toMatch(/^<!doctype html>/);
        expect(text(response.body)).toMatch(/<html lang="(en|hi|gu|si)">/);
        expect(text(response.body)).toContain('Northwind &#60;Records&#62; &#38; &#34;Co&#34;');
      }),
      { numRuns: 200 },
    );
  });
});
