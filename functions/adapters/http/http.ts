/**
 * The HTTP edge shared by the api-* handlers: decoding API Gateway (HTTP API, payload 2.0)
 * events, the errors only the edge can raise, and the one place that maps errors to status
 * codes, JSON bodies and pages. Handlers throw; they never pick a status for an error.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../runtime/observability.ts';
import { errorPage, pageContentSecurityPolicy } from '../render/pages.ts';
import { EditionNotFoundError } from '../../core/edition/index.ts';
import { InvalidApiKeyError } from '../../core/ingest/index.ts';
import { type FieldIssue, InvalidTokenError, ValidationError } from '../../core/shared/index.ts';
import { RateLimitExceededError, SubscriberNotFoundError } from '../../core/subscribers/index.ts';
import { SourceNotFoundError } from '../../core/sources/index.ts';

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

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...headers },
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
    headers: {
      'content-type': 'text/html; charset=utf-8',
      ...SECURITY_HEADERS,
      'x-frame-options': 'DENY',
      'content-security-policy': contentSecurityPolicy,
    },
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

export function rawBody(event: HttpEvent, maxBytes: number): string {
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
}

const NOT_FOUND = [EditionNotFoundError, SubscriberNotFoundError, RouteNotFoundError, SourceNotFoundError];

function describe(error: unknown): ErrorShape {
  if (error instanceof ValidationError || error instanceof UnreadableBodyError) {
    return { status: 400, code: 'validation_failed', title: 'Please check the form', message: error.message, details: error.issues };
  }
  if (error instanceof RequestBodyTooLargeError) {
    return { status: 413, code: 'payload_too_large', title: 'Too large', message: error.message };
  }
  if (error instanceof InvalidApiKeyError) {
    return { status: 401, code: 'unauthorized', title: 'Not allowed', message: error.message };
  }
  if (error instanceof InvalidTokenError) {
    const status = error.reason === 'expired' || error.reason === 'revoked' ? 410 : 400;
    return { status, code: `token_${error.reason}`, title: 'This link does not work', message: error.message };
  }
  if (error instanceof RateLimitExceededError) {
    return { status: 429, code: 'too_many_requests', title: 'Too many requests', message: error.message };
  }
  if (NOT_FOUND.some((type) => error instanceof type)) {
    return { status: 404, code: 'not_found', title: 'Not found', message: (error as Error).message };
  }
  return { status: 500, code: 'internal', title: 'Something went wrong', message: 'Something went wrong on our side. Please try again later.' };
}

/**
 * The single error-to-HTTP mapping. Unknown errors are logged and never shown. `page`, when
 * given, replaces the error page (a form shown again beside its issues); the status stays the mapping's.
 */
function errorResponse(error: unknown, asHtml: boolean, page?: string): HttpResult {
  const shape = describe(error);
  if (shape.status >= 500) logger.error('unhandled error', { error });
  if (asHtml) {
    return html(shape.status, page ?? errorPage({ status: shape.status, title: shape.title, message: shape.message }));
  }
  return json(shape.status, { error: { code: shape.code, message: shape.message, ...(shape.details ? { details: shape.details } : {}) } });
}

export interface RouteOptions {
  /** Answer errors with pages rather than JSON: always, never, or as the request prefers. */
  html?: boolean | ((event: HttpEvent) => boolean);
  /** For a route behind a form: the form again, with the issues beside its fields, for a ValidationError. */
  formWithIssues?: (issues: FieldIssue[], event: HttpEvent) => Promise<string>;
}

/** Wraps a route so every thrown error goes through errorResponse. */
export function httpRoute(route: HttpHandler, options: RouteOptions = {}): HttpHandler {
  return async (event) => {
    try {
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
}
