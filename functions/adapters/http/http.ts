/**
 * The HTTP edge shared by the api-* handlers: decoding API Gateway (HTTP API, payload 2.0)
 * events, the errors only the edge can raise, and the one place that maps errors to status
 * codes, JSON bodies and pages. Handlers throw; they never pick a status for an error.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../runtime/observability.ts';
import { errorPage, pageContentSecurityPolicy } from '../render/pages.ts';
import { EditionNotFoundError } from '../../core/edition/index.ts';
import { ClickTargetNotFoundError } from '../../core/engagement/index.ts';
import { SendNotFoundError } from '../../core/delivery/index.ts';
import { ApiKeyRateLimitedError, ArticleNotFoundError, InvalidApiKeyError, MissingScopeError } from '../../core/ingest/index.ts';
import { type FieldIssue, InvalidTokenError, ValidationError } from '../../core/shared/index.ts';
import { RateLimitExceededError, SubscriberNotFoundError } from '../../core/subscribers/index.ts';
import { SourceLimitReachedError, SourceNotFoundError } from '../../core/sources/index.ts';
import { API_ROUTES, type ApiRoute, DEFAULT_MAX_BODY_BYTES, matchRoute, maxBodyBytes, type RouteMatch } from './api-routes.ts';
import { withSecurityHeaders } from './security-headers.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpHandler = (event: HttpEvent) => Promise<HttpResult>;

/** The request body is over the route's byte limit. */
export class RequestBodyTooLargeError extends Error {
  override name = 'RequestBodyTooLargeError';
}

/** A body no route can read: not valid JSON, or a content type other than JSON or a form. */
export class UnreadableBodyError extends Error {
  override name = 'UnreadableBodyError';
  constructor(
    message: string,
    readonly issues: FieldIssue[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** No route answers this path. */
export class RouteNotFoundError extends Error {
  override name = 'RouteNotFoundError';
}

/** The path exists, but not with this method. */
export class MethodNotAllowedError extends Error {
  override name = 'MethodNotAllowedError';
  constructor(
    message: string,
    /** The methods the path does answer, for the `Allow` header. */
    readonly allow: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: withSecurityHeaders({ 'content-type': 'application/json; charset=utf-8', ...headers }, { secure: false }),
    body: JSON.stringify(body),
  };
}

/** A rendered digest: inline styles from MJML, images, no script at all. */
export const EMAIL_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Our pages allow exactly their own inline style and script, by hash. */
export function html(statusCode: number, body: string, contentSecurityPolicy = pageContentSecurityPolicy()): HttpResult {
  return {
    statusCode,
    headers: withSecurityHeaders(
      { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': contentSecurityPolicy },
      { secure: false },
    ),
    body,
  };
}

export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export function queryParam(event: HttpEvent, name: string): string | undefined {
  return event.queryStringParameters?.[name];
}

/** The media type alone, lower-cased: `Application/JSON; charset=UTF-8` is JSON. */
function contentType(event: HttpEvent): string {
  return (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Browsers posting forms want pages back; API clients want JSON. */
export function wantsHtml(event: HttpEvent): boolean {
  const type = contentType(event);
  if (type === 'application/x-www-form-urlencoded') return true;
  return (header(event, 'accept') ?? '').includes('text/html') && !type.includes('json');
}

/** The body's size in bytes, computed without decoding it, so an oversized body costs nothing to refuse. */
export function bodyBytes(event: HttpEvent): number {
  const body = event.body ?? '';
  if (!event.isBase64Encoded) return Buffer.byteLength(body, 'utf8');
  const padding = body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0;
  return Math.floor((body.length * 3) / 4) - padding;
}

export function rawBody(event: HttpEvent, maxBytes: number): string {
  if (bodyBytes(event) > maxBytes) {
    throw new RequestBodyTooLargeError(`The request body is over ${Math.floor(maxBytes / 1024)} KB.`);
  }
  const body = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.byteLength > maxBytes) {
    throw new RequestBodyTooLargeError(`The request body is over ${Math.floor(maxBytes / 1024)} KB.`);
  }
  return bytes.toString('utf8');
}

/** JSON or form body as a plain object; anything unparsable is the caller's 400, not our 500. */
export function parseBody(event: HttpEvent, maxBytes: number): unknown {
  const text = rawBody(event, maxBytes);
  const type = contentType(event) || 'application/json';
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (type !== 'application/json') {
    throw new UnreadableBodyError('Send the body as application/json.', [
      { field: 'content-type', message: 'must be application/json or application/x-www-form-urlencoded' },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UnreadableBodyError('The body is not valid JSON.', [{ field: '(body)', message: 'must be valid JSON' }], {
      cause: error,
    });
  }
}

/**
 * parseBody, except that a form field sent more than once (a group of tick boxes) becomes a
 * list instead of keeping only its last value.
 */
export function parseBodyWithLists(event: HttpEvent, maxBytes: number): unknown {
  if (contentType(event) !== 'application/x-www-form-urlencoded') return parseBody(event, maxBytes);
  const form = new URLSearchParams(rawBody(event, maxBytes));
  const fields: Record<string, string | string[]> = {};
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name);
    fields[name] = values.length === 1 ? values[0]! : values;
  }
  return fields;
}

interface ErrorShape {
  status: number;
  code: string;
  title: string;
  message: string;
  details?: FieldIssue[];
  headers?: Record<string, string>;
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** How one error class reads over HTTP. */
type HttpErrorRule = readonly [ErrorClass<Error>, (error: Error) => ErrorShape];

function rule<E extends Error>(type: ErrorClass<E>, shape: (error: E) => ErrorShape): HttpErrorRule {
  return [type, (error) => shape(error as E)];
}

const notFound = (error: Error): ErrorShape => ({ status: 404, code: 'not_found', title: 'Not found', message: error.message });
const invalidInput = (error: ValidationError | UnreadableBodyError): ErrorShape => ({
  status: 400,
  code: 'validation_failed',
  title: 'Please check the form',
  message: error.message,
  details: error.issues,
});
const tooManyRequests = (error: Error, headers?: Record<string, string>): ErrorShape => ({
  status: 429,
  code: 'too_many_requests',
  title: 'Too many requests',
  message: error.message,
  ...(headers ? { headers } : {}),
});

/**
 * The error-to-HTTP table, first match wins. Every error class the functions define is either
 * here or listed as internal in docs/architecture.md ("Errors"); a test keeps the two in step.
 */
export const HTTP_ERROR_RULES: readonly HttpErrorRule[] = [
  rule(ValidationError, invalidInput),
  rule(UnreadableBodyError, invalidInput),
  rule(RequestBodyTooLargeError, (error) => ({ status: 413, code: 'payload_too_large', title: 'Too large', message: error.message })),
  rule(InvalidApiKeyError, (error) => ({ status: 401, code: 'unauthorized', title: 'Not allowed', message: error.message })),
  rule(MissingScopeError, (error) => ({ status: 403, code: 'forbidden', title: 'Not allowed', message: error.message })),
  rule(SourceLimitReachedError, (error) => ({
    status: 409,
    code: 'source_limit_reached',
    title: 'Too many sources',
    message: error.message,
  })),
  rule(InvalidTokenError, (error) => {
    const status = error.reason === 'expired' || error.reason === 'revoked' ? 410 : 400;
    return { status, code: `token_${error.reason}`, title: 'This link does not work', message: error.message };
  }),
  rule(ApiKeyRateLimitedError, (error) => tooManyRequests(error, { 'retry-after': String(error.retryAfterSeconds) })),
  rule(RateLimitExceededError, (error) => tooManyRequests(error)),
  rule(MethodNotAllowedError, (error) => ({
    status: 405,
    code: 'method_not_allowed',
    title: 'Not allowed',
    message: error.message,
    headers: { allow: error.allow.join(', ') },
  })),
  rule(EditionNotFoundError, notFound),
  rule(ClickTargetNotFoundError, notFound),
  rule(SubscriberNotFoundError, notFound),
  rule(RouteNotFoundError, notFound),
  rule(ArticleNotFoundError, notFound),
  rule(SourceNotFoundError, notFound),
  rule(SendNotFoundError, notFound),
];

const INTERNAL_ERROR: ErrorShape = {
  status: 500,
  code: 'internal',
  title: 'Something went wrong',
  message: 'Something went wrong on our side. Please try again later.',
};

function httpShapeOf(error: unknown): ErrorShape {
  const rule = HTTP_ERROR_RULES.find(([type]) => error instanceof type);
  return rule ? rule[1](error as Error) : INTERNAL_ERROR;
}

/**
 * The single error-to-HTTP mapping. Unknown errors are logged and never shown. `page`, when
 * given, replaces the error page (a form shown again beside its issues); the status stays the mapping's.
 */
export function errorResponse(error: unknown, asHtml: boolean, page?: string): HttpResult {
  const shape = httpShapeOf(error);
  if (shape.status >= 500) logger.error('unhandled error', { error });
  const result = asHtml
    ? html(shape.status, page ?? errorPage({ status: shape.status, title: shape.title, message: shape.message }))
    : json(shape.status, { error: { code: shape.code, message: shape.message, ...(shape.details ? { details: shape.details } : {}) } });
  return { ...result, headers: { ...result.headers, ...shape.headers } };
}

/** API Gateway reaches the Lambdas over HTTPS only and says so here; the local router sets `http`. */
export function arrivedOverTls(event: HttpEvent): boolean {
  return (header(event, 'x-forwarded-proto') ?? '').split(',')[0]!.trim().toLowerCase() === 'https';
}

/**
 * What every answer leaves with: the security headers (HSTS when the request came over TLS),
 * and for a HEAD request the GET answer's headers with no body.
 */
export function finishResponse(result: HttpResult, event: HttpEvent): HttpResult {
  const headers = withSecurityHeaders(result.headers, { secure: arrivedOverTls(event) });
  if (event.requestContext?.http?.method?.toUpperCase() !== 'HEAD') return { ...result, headers };
  const body = result.body ?? '';
  // Already finished once (the router finishes what httpRoute finished): keep the GET's length.
  headers['content-length'] ??= String(result.isBase64Encoded ? Buffer.from(body, 'base64').byteLength : Buffer.byteLength(body));
  return { statusCode: result.statusCode ?? 200, headers, body: '' };
}

/** The error for a request no route answers (404, or 405 naming what the path allows); undefined when one does. */
export function routingError(match: RouteMatch<ApiRoute>, method: string): Error | undefined {
  if (match.kind === 'not-found') return new RouteNotFoundError('There is nothing at this address.');
  if (match.kind === 'method-not-allowed') return new MethodNotAllowedError(`${method} is not allowed here.`, match.allow);
  return undefined;
}

/**
 * For API Gateway's $default route: the 404 or 405 for a request that no route of the table
 * sends to `fn`, which then answers it.
 */
export function unroutedError(event: HttpEvent, fn: ApiRoute['function']): Error | undefined {
  const method = event.requestContext?.http?.method ?? 'GET';
  const match = matchRoute(API_ROUTES, method, event.rawPath ?? '/');
  if (match.kind === 'route' && match.route.function !== fn) return new RouteNotFoundError('There is nothing at this address.');
  return routingError(match, method);
}

/** HEAD runs the GET route: the same headers, the body dropped by finishResponse. */
function asGet(event: HttpEvent): HttpEvent {
  if (event.requestContext?.http?.method?.toUpperCase() !== 'HEAD') return event;
  return { ...event, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'GET' } } };
}

/** The route's body limit, checked before the body is decoded or parsed (API Gateway's own cap is 10 MB). */
function refuseOversizedBody(event: HttpEvent): void {
  const match = matchRoute(API_ROUTES, event.requestContext?.http?.method ?? 'GET', event.rawPath ?? '/');
  const limit = match.kind === 'route' ? maxBodyBytes(match.route) : DEFAULT_MAX_BODY_BYTES;
  if (bodyBytes(event) > limit) throw new RequestBodyTooLargeError(`The request body is over ${Math.floor(limit / 1024)} KB.`);
}

export interface RouteOptions {
  /** Answer errors with pages rather than JSON: always, never, or as the request prefers. */
  html?: boolean | ((event: HttpEvent) => boolean);
  /** For a route behind a form: the form again, with the issues beside its fields, for a ValidationError. */
  formWithIssues?: (issues: FieldIssue[], event: HttpEvent) => Promise<string>;
}

/**
 * Wraps a route: bounds the body, answers HEAD with the GET route, sends every thrown error
 * through errorResponse, and gives every answer the security headers (finishResponse).
 */
export function httpRoute(route: HttpHandler, options: RouteOptions = {}): HttpHandler {
  const answer = async (event: HttpEvent): Promise<HttpResult> => {
    try {
      refuseOversizedBody(event);
      return await route(event);
    } catch (error) {
      const asHtml = typeof options.html === 'function' ? options.html(event) : (options.html ?? false);
      if (!asHtml || !options.formWithIssues || !(error instanceof ValidationError)) return errorResponse(error, asHtml);
      try {
        return errorResponse(error, asHtml, await options.formWithIssues(error.issues, event));
      } catch (pageError) {
        return errorResponse(pageError, asHtml);
      }
    }
  };
  return async (event) => finishResponse(await answer(asGet(event)), event);
}
