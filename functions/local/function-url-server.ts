import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { functionUrlEvent } from './events/function-url-event.ts';

export interface FunctionUrlServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  stop(): Promise<void>;
}

type FunctionUrlHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const MAX_BODY_BYTES = 1_000_000;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The event a Lambda Function URL delivers (payload format 2.0), built from a node:http request. */
export function toFunctionUrlEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const at = new Date();
  return functionUrlEvent({
    method: request.method ?? 'GET',
    url: new URL(request.url ?? '/', 'http://127.0.0.1'),
    domainName: headers.host ?? '127.0.0.1',
    headers,
    // Function URLs may base64-encode bodies; the handler must decode them, so this server always does.
    ...(body.length === 0 ? {} : { body: body.toString('base64'), isBase64Encoded: true }),
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    requestId: `local-${at.getTime()}`,
    at,
  });
}

/** Serves a Function URL handler on 127.0.0.1 and a free port, as the Lambda URL would. */
export async function startFunctionUrlServer(handler: FunctionUrlHandler): Promise<FunctionUrlServer> {
  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => handler(toFunctionUrlEvent(request, body)))
      .then((result) => {
        const headers = Object.fromEntries(
          Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        response.writeHead(result.statusCode ?? 200, headers);
        const text = result.body ?? '';
        response.end(result.isBase64Encoded ? Buffer.from(text, 'base64') : text);
      })
      .catch(() => {
        response.writeHead(500, { 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' });
        response.end('internal error');
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
