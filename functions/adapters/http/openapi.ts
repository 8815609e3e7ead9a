/**
 * The OpenAPI 3.1 document of the HTTP API, built from the route table (api-routes.ts) and its
 * docs (route-docs.ts) with zod 4's own JSON Schema output (z.toJSONSchema, draft 2020-12, which
 * OpenAPI 3.1 uses as is): request bodies in their input form, as a client sends them.
 * Served at GET /openapi.json with the deployment's PUBLIC_URL as its server; Redocly's and
 * Spectral's rule sets pass on it with nothing turned off (test/integration/openapi-tools.test.ts).
 */
import { z } from 'zod';
import { API_ROUTES, type ApiRoute, maxBodyBytes, routeKey } from './api-routes.ts';
import { API_TAGS, errorSchema, type ParameterDoc, type ResponseDoc, ROUTE_DOCS, type RouteDoc } from './route-docs.ts';

type JsonSchema = Record<string, unknown>;
type Reference = { $ref: string; description?: string };
export type OpenApiResponse = {
  description: string;
  content?: Record<string, { schema: JsonSchema }>;
  headers?: Record<string, JsonSchema>;
};
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: {
    title: string;
    version: string;
    description: string;
    contact: { name: string; url: string };
    license: { name: string; identifier: string };
  };
  servers: Array<{ url: string; description: string }>;
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, OpenApiResponse>;
    securitySchemes: Record<string, JsonSchema>;
  };
  /** The answers to a request that no operation takes (UNROUTED_RESPONSES). */
  'x-unrouted-responses': Record<'404' | '405', OpenApiResponse>;
};
export type OpenApiOperation = {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  parameters?: JsonSchema[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema; example: unknown }> };
  responses: Record<string, OpenApiResponse | Reference>;
  security: Array<Record<string, string[]>>;
};

/** Where `npm start` serves the API: the document's server when no PUBLIC_URL is given. */
export const LOCAL_SERVER_URL = 'http://localhost:3000';

const ERROR_REF = { $ref: '#/components/schemas/Error' };
const GATEWAY_THROTTLE_REF = { $ref: '#/components/schemas/GatewayThrottle' };
const RETRY_AFTER = { schema: { type: 'integer', minimum: 1 }, description: 'seconds until the next minute, when the key may ask again' };

/** API Gateway's own body when its stage throttle refuses a request, before any function runs. */
const gatewayThrottleSchema = z.object({ message: z.literal('Too Many Requests') });

/** zod gives every integer the bounds of a safe integer, which say nothing about the field. */
function withoutSafeIntegerBounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSafeIntegerBounds);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(
    ([key, item]) => !((key === 'minimum' && item === Number.MIN_SAFE_INTEGER) || (key === 'maximum' && item === Number.MAX_SAFE_INTEGER)),
  );
  return Object.fromEntries(entries.map(([key, item]) => [key, withoutSafeIntegerBounds(item)]));
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return withoutSafeIntegerBounds(rest) as JsonSchema;
}

function response(doc: ResponseDoc): OpenApiResponse {
  const content: Record<string, { schema: JsonSchema }> = {};
  if (doc.json) content['application/json'] = { schema: doc.json === errorSchema ? ERROR_REF : jsonSchema(doc.json, 'output') };
  if (doc.html) content['text/html'] = { schema: { type: 'string' } };
  return {
    description: doc.description,
    ...(Object.keys(content).length > 0 ? { content } : {}),
    ...(doc.redirect ? { headers: { Location: { schema: { type: 'string' }, description: 'where to go next' } } } : {}),
  };
}

function parameters(where: 'query' | 'path', docs: Record<string, ParameterDoc> | undefined): JsonSchema[] {
  return Object.entries(docs ?? {}).map(([name, doc]) => ({
    name,
    in: where,
    required: where === 'path' || (doc.required ?? false),
    description: doc.description,
    schema: jsonSchema(doc.schema, 'input'),
    ...(doc.example !== undefined ? { example: doc.example } : {}),
  }));
}

function operationId(route: ApiRoute, method: string): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('') || method.toLowerCase();
}

const RESPONSES: Record<'Unauthorized' | 'Forbidden', OpenApiResponse> = {
  Unauthorized: { description: 'no valid x-api-key', content: { 'application/json': { schema: ERROR_REF } } },
  Forbidden: { description: 'the key lacks the scope this route needs', content: { 'application/json': { schema: ERROR_REF } } },
};

/**
 * The answers to a request no operation takes. OpenAPI has no place for them in `paths` (and a
 * components response that no operation uses is reported as unused), so they go in an extension.
 */
const UNROUTED_RESPONSES: Record<'404' | '405', OpenApiResponse> = {
  '404': { description: 'no route at this path (code not_found)', content: { 'application/json': { schema: ERROR_REF } } },
  '405': {
    description: 'the path exists but not for this method (code method_not_allowed); HEAD goes wherever GET does',
    headers: { Allow: { schema: { type: 'string' }, description: 'the methods the path answers, e.g. "GET, HEAD"' } },
    content: { 'application/json': { schema: ERROR_REF } },
  },
};

const responseRef = (name: keyof typeof RESPONSES): Reference => ({ $ref: `#/components/responses/${name}` });

/**
 * The 429 of every route: the stage's throttle answers before any function with API Gateway's
 * own body; a keyed route also counts against its key's per-minute limit (throttleApiKey), and
 * some routes add their own limit (the route's documented 429).
 */
function tooManyRequests(doc: RouteDoc): OpenApiResponse {
  const own = doc.responses[429];
  const reasons = [
    ...(own ? [`${own.description} (an Error)`] : []),
    ...(doc.apiKey ? ["over the key's requests per minute (an Error, with Retry-After)"] : []),
    'over the API\'s own throttle: API Gateway answers before any function runs, with its body {"message":"Too Many Requests"}',
  ];
  const content: Record<string, { schema: JsonSchema }> = {
    'application/json': { schema: own || doc.apiKey ? { oneOf: [ERROR_REF, GATEWAY_THROTTLE_REF] } : GATEWAY_THROTTLE_REF },
  };
  if (own?.html) content['text/html'] = { schema: { type: 'string' } };
  return {
    description: `Too many requests: ${reasons.join('; or ')}.`,
    content,
    ...(doc.apiKey ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
  };
}

function operation(route: ApiRoute, doc: RouteDoc, method: string): OpenApiOperation {
  const head = method === 'HEAD';
  const responses: OpenApiOperation['responses'] = {};
  for (const [status, answer] of Object.entries(doc.responses)) responses[status] = response(answer);
  if (doc.apiKey) {
    const own = route.ownArticlesScope ? `, or "${route.ownArticlesScope}" for an article it posted` : '';
    responses['401'] = responseRef('Unauthorized');
    responses['403'] = { ...responseRef('Forbidden'), description: `the x-api-key lacks the "${route.scope ?? 'admin'}" scope${own}` };
  }
  // The body limit is checked on every route before it is read (refuseOversizedBody).
  const pages = Object.values(doc.responses).some((answer) => answer.html);
  responses['413'] = response({
    description: `the body is over ${Math.floor(maxBodyBytes(route) / 1024)} KB`,
    json: errorSchema,
    ...(pages ? { html: true } : {}),
  });
  responses['429'] = tooManyRequests(doc);
  // A route that only redirects (the click link) has no 2xx answer; `default` says what else can
  // come back, so clients and linters (Redocly's operation-2xx-response) know it is not a gap.
  if (!Object.keys(responses).some((status) => status.startsWith('2'))) {
    responses['default'] = response({
      description: 'any other answer: an error, with no Location',
      json: errorSchema,
      ...(pages ? { html: true } : {}),
    });
  }
  const params = [...parameters('path', doc.params), ...parameters('query', doc.query)];
  const body = doc.body && !head ? doc.body : undefined;
  return {
    operationId: operationId(route, method),
    tags: [doc.tag],
    summary: head ? `${doc.summary} (headers only)` : doc.summary,
    description: head ? `The status and headers GET ${route.path} would answer, without its body.` : doc.description,
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body
      ? {
          requestBody: {
            required: !body.optional,
            content: Object.fromEntries(
              body.media.map((media) => [media, { schema: jsonSchema(body.schema, 'input'), example: body.example }]),
            ),
          },
        }
      : {}),
    responses: head ? headResponses(responses) : responses,
    security: doc.apiKey ? [{ apiKey: [] }] : [],
  };
}

/** A HEAD answer has the GET answer's status and headers and no body. */
function headResponses(responses: OpenApiOperation['responses']): OpenApiOperation['responses'] {
  return Object.fromEntries(
    Object.entries(responses).map(([status, answer]) => {
      const resolved = '$ref' in answer ? RESPONSES[answer.$ref.split('/').pop() as keyof typeof RESPONSES] : answer;
      return [status, { description: resolved.description, ...(resolved.headers ? { headers: resolved.headers } : {}) }];
    }),
  );
}

/** The document for a route table and its docs, served from `serverUrl`; the defaults are the API's own. */
export function buildOpenApiDocument(
  routes: readonly ApiRoute[] = API_ROUTES,
  docs: Readonly<Record<string, RouteDoc>> = ROUTE_DOCS,
  serverUrl: string = LOCAL_SERVER_URL,
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const doc = docs[routeKey(route)];
    if (!doc) throw new Error(`The route ${routeKey(route)} has no entry in route-docs.ts.`);
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operation(route, doc, route.method);
    if (route.method === 'GET') item.head = operation(route, doc, 'HEAD');
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'digest-mailer',
      version: '1.0.0',
      description: [
        'Publishers POST articles and manage feed sources with an x-api-key; readers subscribe, confirm and manage their digest through signed links.',
        'Errors are JSON {error: {code, message, details?}} (pages for the page routes).',
        'Every path answers HEAD where it answers GET. A path no route has answers 404 and a method a path does not take answers 405 with Allow, both JSON errors: x-unrouted-responses describes them.',
      ].join(' '),
      contact: { name: 'The operator of this deployment', url: serverUrl },
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: serverUrl, description: 'this deployment (its PUBLIC_URL)' }],
    tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, 'output'), GatewayThrottle: jsonSchema(gatewayThrottleSchema, 'output') },
      responses: RESPONSES,
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
    },
    'x-unrouted-responses': UNROUTED_RESPONSES,
  };
}

const cached = new Map<string, OpenApiDocument>();

/** The API's document as served from `serverUrl`, built once per process (a few ms of z.toJSONSchema). */
export function openApiDocument(serverUrl: string): OpenApiDocument {
  let document = cached.get(serverUrl);
  if (!document) cached.set(serverUrl, (document = buildOpenApiDocument(API_ROUTES, ROUTE_DOCS, serverUrl)));
  return document;
}
