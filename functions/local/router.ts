/**
 * The local stand-in for API Gateway: turns Node HTTP requests into HTTP API (payload 2.0)
 * events for the very handlers that run in Lambda, and their results back into responses.
 * Routing, body limits, 404/405 with `Allow`, HEAD and the security headers come from
 * adapters/http, the same code the Lambdas and the $default route use.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ApiRoute, matchRoute, maxBodyBytes } from '../adapters/http/api-routes.ts';
import {
  bodyBytes,
  errorResponse,
  finishResponse,
  RequestBodyTooLargeError,
  routingError,
  type HttpEvent,
  type HttpHandler,
  type HttpResult,
} from '../adapters/http/http.ts';

export interface Route extends ApiRoute {
  readonly handler: HttpHandler;
}

/** How long a stopping router lets requests in flight finish before it cuts their connections. */
export const DRAIN_TIMEOUT_MS = 8000;

interface RequestLine {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  httpVersion: string;
  sourceIp: string;
}

function requestLine(request: IncomingMessage): RequestLine {
  return {
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    headers: request.headers,
    httpVersion: request.httpVersion,
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
  };
}

/** A path the WHATWG URL parser cannot read (`//x:y`) is nobody's route: parse it against a fixed base. */
function pathOf(url: string): { pathname: string; search: string; params: URLSearchParams } {
  try {
    const parsed = new URL(url.startsWith('/') ? `http://localhost${url}` : url, 'http://localhost');
    return { pathname: parsed.pathname, search: parsed.search, params: parsed.searchParams };
  } catch {
    return { pathname: '/\u0000', search: '', params: new URLSearchParams() };
  }
}

export function toHttpEvent(
  request: IncomingMessage | RequestLine,
  body: Buffer,
  route?: ApiRoute,
  pathParameters?: Record<string, string>,
): HttpEvent {
  const line = 'socket' in request ? requestLine(request) : request;
  const url = pathOf(line.url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(line.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // As a proxy does: the client cannot claim TLS it did not use (that would earn it HSTS).
  headers['x-forwarded-proto'] = 'http';
  const query = url.params.size > 0 ? Object.fromEntries(url.params) : undefined;
  const routeKey = route ? `${route.method} ${route.path}` : '$default';
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: query,
    ...(pathParameters && Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    isBase64Encoded: body.length > 0,
    body: body.length > 0 ? body.toString('base64') : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      http: {
        method: line.method,
        path: url.pathname,
        protocol: `HTTP/${line.httpVersion}`,
        sourceIp: line.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
    },
  };
}

/** The router's own answers (404, 405, 413, 500): JSON through the one error mapping, with the security headers. */
function refusal(error: unknown, event: HttpEvent): HttpResult {
  return finishResponse(errorResponse(error, false), event);
}

/**
 * Answers one event as API Gateway plus the handler would: route, body limit, handler,
 * security headers. The Node server below and the in-memory fuzz suite both call it.
 */
export async function answerEvent(routes: readonly Route[], event: HttpEvent): Promise<HttpResult> {
  const method = event.requestContext.http.method;
  const match = matchRoute(routes, method, event.rawPath);
  if (match.kind !== 'route') return refusal(routingError(match, method), event);
  if (bodyBytes(event) > maxBodyBytes(match.route)) return refusal(tooLarge(match.route), event);
  const routed: HttpEvent = {
    ...event,
    routeKey: `${match.route.method} ${match.route.path}`,
    requestContext: { ...event.requestContext, routeKey: `${match.route.method} ${match.route.path}` },
  };
  if (Object.keys(match.params).length > 0) routed.pathParameters = match.params;
  return finishResponse(await match.route.handler(routed), event);
}

function tooLarge(route: ApiRoute): RequestBodyTooLargeError {
  return new RequestBodyTooLargeError(`The request body is over ${Math.floor(maxBodyBytes(route) / 1024)} KB.`);
}

/** Reads the body up to `limit` bytes; past it, stops reading and reports it. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return 'too-large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, result: HttpResult, closeAfter: boolean): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
  const headers: Record<string, string> = { 'content-length': String(body.byteLength), ...(result.headers as Record<string, string>) };
  if (closeAfter) headers.connection = 'close';
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}

async function serve(routes: readonly Route[], request: IncomingMessage, response: ServerResponse, draining: () => boolean): Promise<void> {
  const line = requestLine(request);
  const bare = toHttpEvent(line, Buffer.alloc(0));
  const match = matchRoute(routes, line.method, bare.rawPath);
  if (match.kind !== 'route') return send(response, refusal(routingError(match, line.method), bare), draining());
  const body = await readBody(request, maxBodyBytes(match.route));
  // Refused unread: the rest of an oversized body is never buffered, and the connection closes after the answer.
  if (body === 'too-large') return send(response, refusal(tooLarge(match.route), bare), true);
  send(response, await answerEvent(routes, toHttpEvent(line, body)), draining());
}

export interface Router extends Server {
  /**
   * Stops taking connections (new ones are refused), lets requests in flight finish and closes
   * each connection as it goes idle; after `timeoutMs` cuts whatever is left. Resolves once no
   * connection is open: `drained` if every request finished, `cut` if some were cut.
   */
  drain(timeoutMs?: number): Promise<'drained' | 'cut'>;
}

export function createRouter(routes: readonly Route[]): Router {
  let draining = false;
  const server = createServer((request, response) => {
    serve(routes, request, response, () => draining).catch((error: unknown) => {
      console.error('local router:', error);
      if (!response.headersSent) send(response, refusal(error, toHttpEvent(requestLine(request), Buffer.alloc(0))), true);
      else response.end();
    });
  }) as Router;
  server.drain = (timeoutMs = DRAIN_TIMEOUT_MS) => {
    draining = true;
    return new Promise((resolve) => {
      let outcome: 'drained' | 'cut' = 'drained';
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const deadline = setTimeout(() => {
        outcome = 'cut';
        server.closeAllConnections();
      }, timeoutMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
        resolve(outcome);
      });
      server.closeIdleConnections();
    });
  };
  return server;
}
