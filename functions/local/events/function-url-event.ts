import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The event a Lambda Function URL delivers (payload format 2.0) for one request. A body is given
 * as the URL would pass it: base64-encoded (`isBase64Encoded`) or as text.
 */
export function functionUrlEvent(request: {
  readonly method: string;
  readonly url: URL;
  /** The Host the request named; the URL's own host otherwise. */
  readonly domainName?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly at: Date;
}): APIGatewayProxyEventV2 {
  const { url, at } = request;
  const query = Object.fromEntries(url.searchParams);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: { ...request.headers },
    ...(Object.keys(query).length === 0 ? {} : { queryStringParameters: query }),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: request.domainName ?? url.host,
      domainPrefix: 'local',
      http: {
        method: request.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey: '$default',
      stage: '$default',
      time: at.toISOString(),
      timeEpoch: at.getTime(),
    },
    ...(request.body === undefined ? {} : { body: request.body }),
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
}
