/**
 * The OpenAPI 3.1 document of the HTTP API, built from the route table (api-routes.ts) and its
 * docs (route-docs.ts) with zod 4's own JSON Schema output (z.toJSONSchema, draft 2020-12, which
 * OpenAPI 3.1 uses as is): request bodies in their input form, as a client sends them.
 * Served at GET /openapi.json.
 */
import { z } from 'zod';
import { API_ROUTES, type ApiRoute, maxBodyBytes, routeKey } from './api-routes.ts';
import { errorSchema, type ParameterDoc, type ResponseDoc, ROUTE_DOCS, type RouteDoc } from './route-docs.ts';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
};
export type OpenApiOperation = {
  operationId: string;
  summary: string;
  description?: string;
  parameters?: JsonSchema[];
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema; example: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }>; headers?: Record<string, JsonSchema> }>;
  security?: Array<Record<string, string[]>>;
};

const ERROR_REF = { $ref: '#/components/schemas/Error' };

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

function response(doc: ResponseDoc): OpenApiOperation['responses'][string] {
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

function operation(route: ApiRoute, doc: RouteDoc, method: string): OpenApiOperation {
  const head = method === 'HEAD';
  const responses: OpenApiOperation['responses'] = {};
  for (const [status, answer] of Object.entries(doc.responses)) {
    responses[status] = head ? { description: answer.description } : response(answer);
  }
  responses['413'] ??= response({ description: `the body is over ${Math.floor(maxBodyBytes(route) / 1024)} KB`, json: errorSchema, html: true });
  // Every keyed route counts against the key's per-minute limit (throttleApiKey) and needs its scope.
  if (doc.apiKey) {
    const own = route.ownArticlesScope ? `, or "${route.ownArticlesScope}" for an article it posted` : '';
    responses['403'] ??= response({ description: `the x-api-key lacks the "${route.scope ?? 'admin'}" scope${own}`, json: errorSchema });
    responses['429'] ??= {
      ...response({ description: "over the key's requests per minute", json: errorSchema }),
      headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds until the next minute, when the key may ask again' } },
    };
  }
  const params = [...parameters('path', doc.params), ...parameters('query', doc.query)];
  return {
    operationId: operationId(route, method),
    summary: head ? `${doc.summary} (headers only)` : doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(doc.body && !head
      ? {
          requestBody: {
            required: true as const,
            content: Object.fromEntries(doc.body.media.map((media) => [media, { schema: jsonSchema(doc.body!.schema, 'input'), example: doc.body!.example }])),
          },
        }
      : {}),
    responses,
    ...(doc.apiKey ? { security: [{ apiKey: [] }] } : {}),
  };
}

/** The document for a route table and its docs; the defaults are the API's own. */
export function buildOpenApiDocument(
  routes: readonly ApiRoute[] = API_ROUTES,
  docs: Readonly<Record<string, RouteDoc>> = ROUTE_DOCS,
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
      description:
        'Publishers POST articles; readers subscribe, confirm and manage their digest through signed links. Errors are JSON {error: {code, message, details?}} (pages for the page routes). Every path answers HEAD where it answers GET, and 405 with Allow for other methods.',
    },
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, 'output') },
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
    },
  };
}

let cached: OpenApiDocument | undefined;

/** The API's document, built once per process (a few ms of z.toJSONSchema). */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument();
  return cached;
}
