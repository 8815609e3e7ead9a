/**
 * The local stand-in for API Gateway: turns Node HTTP requests into HTTP API (payload 2.0)
 * events for the very handlers that run in Lambda, and their results back into responses.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HttpEvent, HttpHandler, HttpResult } from '../adapters/http/http.ts';

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Exact path, or a prefix ending in `/*`. */
  path: string;
  handler: HttpHandler;
}

/** API Gateway's own payload limit (10 MB) is far above ours; the handlers enforce the real limits. */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

function pathMatches(route: Route, path: string): boolean {
  return route.path.endsWith('/*') ? path.startsWith(route.path.slice(0, -1)) : route.path === path;
}

async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function toHttpEvent(request: IncomingMessage, body: Buffer): HttpEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${request.method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: query,
    isBase64Encoded: body.length > 0,
    body: body.length > 0 ? body.toString('base64') : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      requestId: randomUUID(),
      routeKey: `${request.method} ${url.pathname}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
    },
  };
}

function send(response: ServerResponse, result: HttpResult): void {
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}

function plain(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ error: { code, message } }));
}

export function createRouter(routes: readonly Route[]): Server {
  return createServer((request, response) => {
    void (async () => {
      const method = request.method ?? 'GET';
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const route = routes.find((r) => r.method === method && pathMatches(r, path));
      if (!route) {
        return routes.some((r) => pathMatches(r, path))
          ? plain(response, 405, 'method_not_allowed', `${method} is not allowed on ${path}.`)
          : plain(response, 404, 'not_found', `There is nothing at ${path}.`);
      }
      const body = await readBody(request);
      if (body === 'too-large') return plain(response, 413, 'payload_too_large', 'The request body is too large.');
      send(response, await route.handler(toHttpEvent(request, body)));
    })().catch((error: unknown) => {
      console.error('local router:', error);
      if (!response.headersSent) plain(response, 500, 'internal', 'Something went wrong on our side.');
      else response.end();
    });
  });
}
