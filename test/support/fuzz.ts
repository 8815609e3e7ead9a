/**
 * The fuzz suite's shared parts: hostile inputs, requests built from the route table and the
 * OpenAPI document's examples, and the properties every answer of the product must have.
 * test/unit/fuzz/fuzz-routes.test.ts runs them in memory, test/e2e/fuzz-http.test.ts over real HTTP
 * against `npm start`.
 *
 * Seeded by test/support/seed.ts: every suite prints `[seed] <file>: seed=N`;
 * `TEST_SEED=N npx vitest run test/unit/fuzz/fuzz-routes.test.ts` runs the very same cases again (a
 * failure also prints fast-check's seed and shrink path). `FUZZ_RUNS_SCALE=10` runs ten times as
 * many cases. With `CI` set, the seed is fixed.
 */
import fc from 'fast-check';
import { parseHTML } from 'linkedom';
import { API_ROUTES, type ApiRoute, matchRoute } from '../../functions/adapters/http/api-routes.ts';
import type { HttpResult } from '../../functions/adapters/http/http.ts';
import { SECURITY_HEADER_NAMES } from '../../functions/adapters/http/security-headers.ts';
import { buildOpenApiDocument, type OpenApiOperation } from '../../functions/adapters/http/openapi.ts';
import { TEST_SEED } from './seed.ts';

export { announceSeed } from './seed.ts';

const scale = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
export function runs(count: number): number {
  return Math.max(1, Math.round(count * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** fc.assert's parameters for a property of `count` cases under the suite's seed. */
export function fuzzParameters(count: number): fc.Parameters<unknown> {
  return { seed: TEST_SEED, numRuns: runs(count), endOnFailure: false, verbose: 1 };
}

/** The marker every hostile input carries, so an answer that reflects one raw is easy to find. */
export const MARKER_HOST = 'evil.example';
export const HOSTILE_STRINGS = [
  '<x-fuzz>',
  '<script data-fuzz>alert(1)</script>',
  '"><x-fuzz onfuzz="1">',
  "'><x-fuzz onfuzz='1'>",
  '<img src=x onfuzz=alert(1)>',
  `javascript:alert('${MARKER_HOST}')`,
  `http://${MARKER_HOST}/phish`,
  `<a href="http://${MARKER_HOST}/">click</a>`,
  `www.${MARKER_HOST}`,
  'line\r\nX-Fuzz-Injected: 1',
  '%0d%0aX-Fuzz-Injected:%201',
  `=HYPERLINK("http://${MARKER_HOST}","x")`,
  '+1+2',
  '-1',
  '@SUM(1)',
  '{{x-fuzz}}',
  '{{{x-fuzz}}}',
  '__proto__',
  'constructor',
  '\u0000',
  '\u202e\u200d\u2028',
  '../../../etc/passwd',
  'a@b',
  'Europe/Nowhere',
  '99999999999999999999',
  'NaN',
  '😀👨‍👩‍👧',
  'x'.repeat(600),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 8 }))
      .map((parts) => parts.join('')),
  },
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('__proto__', 'a', 'title', 'constructor'), hostileString, { maxKeys: 2 }) },
);

/** Values shaped like `example`: each part kept, replaced by a hostile value, or varied; extra keys now and then. */
export function variationsOf(example: unknown): fc.Arbitrary<unknown> {
  if (Array.isArray(example)) {
    return example.length === 0
      ? fc.array(hostileValue, { maxLength: 3 })
      : fc.array(variationsOf(example[0]), { minLength: 0, maxLength: 4 });
  }
  if (example !== null && typeof example === 'object') {
    const fields = Object.fromEntries(
      Object.entries(example).map(([key, value]) => [
        key,
        fc.option(fc.oneof({ weight: 4, arbitrary: variationsOf(value) }, { weight: 1, arbitrary: hostileValue }), {
          freq: 8,
          nil: undefined,
        }),
      ]),
    );
    return fc.tuple(fc.record(fields), fc.dictionary(hostileString, hostileValue, { maxKeys: 2 })).map(([known, extra]) => {
      const value: Record<string, unknown> = { ...extra };
      for (const [key, field] of Object.entries(known)) if (field !== undefined) value[key] = field;
      return value;
    });
  }
  if (typeof example === 'number')
    return fc.oneof(fc.constant(example), fc.integer({ min: -50, max: 50 }), fc.double(), fc.constant(String(example)));
  if (typeof example === 'string') {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constant(example) },
      // Still valid most of the time (another address, another title), so cases reach the stores.
      { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]{1,6}$/).map((prefix) => `${prefix}${example}`) },
      { weight: 2, arbitrary: hostileString },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS).map((hostile) => `${example}${hostile}`) },
    );
  }
  return hostileValue;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  sourceIp: string;
}

/** Where a route's valid credentials come from: the suite's API key and tokens for a known reader. */
export interface Credentials {
  apiKey: string;
  /** Keys with fewer scopes than apiKey, so the fuzz reaches the 403 of a missing scope. */
  scopedApiKeys?: readonly string[];
  token(purpose: 'confirm' | 'unsubscribe' | 'preferences'): string;
  /** A path parameter that names something stored (an article id); the document's example otherwise. */
  pathParam?(route: ApiRoute, name: string): string | undefined;
}

const DOCUMENT = buildOpenApiDocument();
const TOKEN_PURPOSE: Record<string, 'confirm' | 'unsubscribe' | 'preferences'> = {
  '/confirm': 'confirm',
  '/unsubscribe': 'unsubscribe',
  '/preferences': 'preferences',
};

export function operationOf(route: ApiRoute): OpenApiOperation {
  return DOCUMENT.paths[route.path]![route.method.toLowerCase()]!;
}

function encodeForm(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return new URLSearchParams({ value: String(value) }).toString();
  const form = new URLSearchParams();
  for (const [key, field] of Object.entries(value)) {
    for (const item of Array.isArray(field) ? field : [field]) form.append(key, typeof item === 'string' ? item : JSON.stringify(item));
  }
  return form.toString();
}

const mutatedToken = (token: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(token) },
    fc
      .integer({ min: 0, max: token.length - 1 })
      .chain((at) => fc.constantFrom('A', 'E', 'F', '_', '-', '.', '=').map((c) => token.slice(0, at) + c + token.slice(at + 1))),
    fc.constant(token.slice(0, -1)),
    fc.constant(`${token}A`),
    hostileString,
  );

/**
 * Requests aimed at `route`, mostly well-formed enough to get past routing and into the
 * handler: its method (sometimes another), its path with hostile parameters, its token (valid,
 * one character changed, or hostile), its example body varied, as JSON, a form or garbage.
 */
export function requestsFor(route: ApiRoute, credentials: Credentials): fc.Arbitrary<FuzzRequest> {
  const operation = operationOf(route);
  const example = Object.values(operation.requestBody?.content ?? {})[0]?.example ?? {};
  const purpose = TOKEN_PURPOSE[route.path];
  const method = fc.oneof(
    { weight: 8, arbitrary: fc.constant(route.method as string) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH') },
  );
  const path = fc
    .oneof(
      { weight: 6, arbitrary: fc.constant(route.path) },
      {
        weight: 1,
        arbitrary: hostileString.map(
          (s) => route.path.replace(/\{\w+\}/, encodeURIComponent(s)) + (route.path.includes('{') ? '' : `/${encodeURIComponent(s)}`),
        ),
      },
      { weight: 1, arbitrary: fc.constant(`${route.path}/`) },
    )
    .map((p) =>
      p.replace(/\{(\w+)\}/g, (_whole, name: string) => {
        const documented = operation.parameters?.find((parameter) => parameter.name === name)?.example;
        return encodeURIComponent(credentials.pathParam?.(route, name) ?? (typeof documented === 'string' ? documented : name));
      }),
    );
  const token = purpose ? fc.option(mutatedToken(credentials.token(purpose)), { freq: 6, nil: undefined }) : fc.constant(undefined);
  const extraQuery = fc.option(fc.tuple(fc.constantFrom('done', 'token', 'q', 'x'), hostileString), { freq: 3, nil: undefined });
  const body = fc.oneof(
    { weight: 5, arbitrary: variationsOf(example).map((v) => ({ type: 'application/json', text: JSON.stringify(v) ?? 'null' })) },
    { weight: 3, arbitrary: variationsOf(example).map((v) => ({ type: 'application/x-www-form-urlencoded', text: encodeForm(v) })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('application/json', 'text/plain', 'APPLICATION/JSON; charset=UTF-8', 'multipart/form-data', ''),
          hostileString,
        )
        .map(([type, text]) => ({ type, text })),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const headers = fc.record({
    accept: fc.constantFrom('text/html', 'application/json', '*/*', 'text/html,application/xhtml+xml'),
    apiKey: fc.oneof(
      { weight: 6, arbitrary: fc.constant(credentials.apiKey) },
      {
        weight: credentials.scopedApiKeys?.length ? 2 : 0,
        arbitrary: fc.constantFrom(...(credentials.scopedApiKeys?.length ? credentials.scopedApiKeys : [credentials.apiKey])),
      },
      { weight: 1, arbitrary: hostileString },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    userAgent: hostileString,
  });
  return fc
    .record({ method, path, token, extraQuery, body, headers, ip: fc.integer({ min: 1, max: 250 }) })
    .map(({ method, path, token, extraQuery, body, headers, ip }) => {
      const query = new URLSearchParams();
      if (token !== undefined) query.set('token', token);
      if (extraQuery) query.append(extraQuery[0], extraQuery[1]);
      const search = query.size > 0 ? `?${query}` : '';
      const requestHeaders: Record<string, string> = {
        accept: headers.accept,
        'user-agent': headers.userAgent.replace(/[^\x20-\x7e]/g, '?'),
      };
      if (headers.apiKey !== undefined) requestHeaders['x-api-key'] = headers.apiKey.replace(/[^\x20-\x7e]/g, '?');
      if (body?.type) requestHeaders['content-type'] = body.type;
      const withBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
      return {
        method,
        url: `${path}${search}`,
        headers: requestHeaders,
        ...(withBody ? { body: body.text } : {}),
        sourceIp: `198.51.100.${ip}`,
      };
    });
}

/** Requests for every route of the table, and now and then for paths no route has. */
export function requestsForAnyRoute(credentials: Credentials, routes: readonly ApiRoute[] = API_ROUTES): fc.Arbitrary<FuzzRequest> {
  const unrouted = fc
    .record({ method: fc.constantFrom('GET', 'POST', 'HEAD', 'DELETE'), path: hostileString, ip: fc.integer({ min: 1, max: 250 }) })
    .map(({ method, path, ip }) => ({
      method,
      url: `/${encodeURIComponent(path)}`,
      headers: { accept: '*/*' },
      sourceIp: `198.51.100.${ip}`,
    }));
  return fc.oneof(
    { weight: 1, arbitrary: unrouted },
    ...routes.map((route) => ({ weight: 2, arbitrary: requestsFor(route, credentials) })),
  );
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function answerOf(result: HttpResult): Answer {
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString('utf8') : (result.body ?? '');
  return { status: result.statusCode ?? 200, headers, body };
}

const STACK_TRACE = /\n\s+at \S|\bat [\w.<>]+ \(|\.[cm]?[tj]s:\d+:\d+|node:internal/;
/** What a hostile input looks like once it has become markup or a link in a page. */
const HOSTILE_MARKUP = /x-fuzz|onfuzz|data-fuzz|evil\.example|javascript:/i;

class PropertyViolation extends Error {
  override name = 'PropertyViolation';
}

function fail(request: FuzzRequest, answer: Answer, why: string): never {
  throw new PropertyViolation(
    `${why}\nrequest: ${JSON.stringify(request).slice(0, 800)}\nanswer: ${answer.status} ${JSON.stringify(answer.headers).slice(0, 400)}\n${answer.body.slice(0, 800)}`,
  );
}

function checkPage(request: FuzzRequest, answer: Answer): void {
  if (!HOSTILE_MARKUP.test(answer.body)) return;
  const { document } = parseHTML(answer.body);
  for (const element of document.querySelectorAll('*')) {
    if (/fuzz/i.test(element.tagName)) fail(request, answer, `hostile element <${element.tagName}> in the page`);
    for (const attribute of element.attributes) {
      if (/fuzz/i.test(attribute.name)) fail(request, answer, `hostile attribute ${attribute.name} in the page`);
      if (['href', 'src', 'action', 'formaction'].includes(attribute.name) && /evil\.example|^\s*javascript:/i.test(attribute.value)) {
        fail(request, answer, `hostile link ${attribute.name}="${attribute.value}" in the page`);
      }
    }
  }
}

/**
 * The properties every answer has: never a 5xx; never a stack trace; the security headers, with
 * no CR/LF or hostile text in any header; a JSON error names a code and, for a validation
 * failure, each field; a page holds no hostile markup or link; and the status is one the
 * OpenAPI document lists for the route (404/405 for paths and methods no route has).
 */
export function checkAnswer(request: FuzzRequest, answer: Answer): void {
  if (answer.status >= 500) fail(request, answer, `a ${answer.status}`);
  if (STACK_TRACE.test(answer.body)) fail(request, answer, 'a stack trace in the body');
  for (const name of SECURITY_HEADER_NAMES) if (!answer.headers[name]) fail(request, answer, `no ${name} header`);
  for (const [name, value] of Object.entries(answer.headers)) {
    if (/[\r\n]/.test(value) || /[^\t\x20-\x7e]/.test(value))
      fail(request, answer, `header ${name} carries a control or non-ASCII character`);
    if (/x-fuzz|evil\.example|onfuzz/i.test(`${name}: ${value}`)) fail(request, answer, `hostile text reached the ${name} header`);
  }
  const type = answer.headers['content-type'] ?? '';
  if (type.startsWith('application/json') && answer.status >= 400 && request.method !== 'HEAD') {
    const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown; details?: Array<{ field?: unknown }> } };
    if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string')
      fail(request, answer, 'a JSON error without code and message');
    if (parsed.error.code === 'validation_failed' && !(parsed.error.details ?? []).length)
      fail(request, answer, 'a validation error that names no field');
    for (const issue of parsed.error.details ?? [])
      if (typeof issue.field !== 'string' || issue.field === '') fail(request, answer, 'an issue without a field');
  }
  if (type.startsWith('text/html')) checkPage(request, answer);
  const path = new URL(`http://fuzz.invalid${request.url}`).pathname;
  const match = matchRoute(API_ROUTES, request.method, path);
  const documented =
    match.kind === 'route' ? Object.keys(operationOf(match.route).responses) : [match.kind === 'not-found' ? '404' : '405', '413'];
  if (!documented.includes(String(answer.status)))
    fail(
      request,
      answer,
      `status ${answer.status} is not in the OpenAPI document for ${request.method} ${path} (${documented.join(', ')})`,
    );
}
