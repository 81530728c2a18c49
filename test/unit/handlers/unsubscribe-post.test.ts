import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { signLink } from '../../../functions/core/domain/links.ts';
import { unsubscribeEnrolmentId, unsubscribeKey, unsubscribeSetup } from '../../support/unsubscribe-setup.ts';

const key = unsubscribeKey;
const enrolmentId = unsubscribeEnrolmentId;
const token = signLink({ customerId: 'lapsed-1', enrolmentId, stepIndex: 0, purpose: 'unsubscribe' }, key);

const setup = () => unsubscribeSetup();

/** A Function URL POST to the link, as a mailbox provider or a browser sends it. */
const post = (body: string, contentType?: string): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/u',
  rawQueryString: `t=${token}`,
  headers: contentType === undefined ? {} : { 'content-type': contentType },
  queryStringParameters: { t: token },
  requestContext: {
    accountId: '000000000000',
    apiId: 'url',
    domainName: 'unsubscribe.example',
    domainPrefix: 'unsubscribe',
    http: { method: 'POST', path: '/u', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
    requestId: 'r1',
    routeKey: '$default',
    stage: '$default',
    time: '01/Dec/2026:10:00:00 +0000',
    timeEpoch: 0,
  },
  body,
  isBase64Encoded: false,
});

describe('what a POST to the unsubscribe link must carry', () => {
  it.each([
    ['RFC 8058 urlencoded', 'List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded'],
    ['no content type', 'List-Unsubscribe=One-Click', undefined],
    [
      'RFC 8058 multipart',
      '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
      'multipart/form-data; boundary=b',
    ],
    ["the page's own form", `t=${token}&action=unsubscribe`, 'application/x-www-form-urlencoded'],
  ])('unsubscribes with %s', async (_name, body, contentType) => {
    const { contacts, handle } = setup();
    const response = await handle(post(body, contentType));
    expect(response.statusCode).toBe(200);
    expect(contacts.statuses.get('lapsed-1')?.unsubscribedAt).toBeDefined();
  });

  it.each([
    ['an empty body', '', 'application/x-www-form-urlencoded'],
    ['a JSON body', '{"List-Unsubscribe":"One-Click"}', 'application/json'],
    ['the right words as plain text', 'List-Unsubscribe=One-Click', 'text/plain'],
    ['another value', 'List-Unsubscribe=Yes', 'application/x-www-form-urlencoded'],
    ['an unknown action', 'action=delete', 'application/x-www-form-urlencoded'],
    ['a malformed multipart body', '--x\r\nnonsense', 'multipart/form-data; boundary=b'],
  ])('changes nothing with %s, and shows the choice again', async (_name, body, contentType) => {
    const { ledger, contacts, handle } = setup();
    const response = await handle(post(body, contentType));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('name="action" value="unsubscribe"');
    expect(contacts.statuses.size + ledger.events.size).toBe(0);
  });

  it('writes nothing for a person erased on request, and says they will hear nothing more', async () => {
    const { ledger, contacts, handle, forgotten } = setup();
    forgotten.customerIds.add('lapsed-1');
    for (const body of ['List-Unsubscribe=One-Click', 'action=pause']) {
      const response = await handle(post(body, 'application/x-www-form-urlencoded'));
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('You are unsubscribed. You will get no more of these emails.');
    }
    expect(contacts.statuses.size + ledger.events.size).toBe(0);
  });

  it('tells browsers not to sniff the page', async () => {
    const { handle } = setup();
    const response = await handle(post('List-Unsubscribe=One-Click'));
    expect(response.headers).toMatchObject({ 'x-content-type-options': 'nosniff' });
  });
});
