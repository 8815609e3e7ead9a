/**
 * The OpenAPI document (GET /openapi.json) against what the routes really accept and answer:
 * every route of the router is in it and nothing else; each documented example request passes
 * the document's own schema and, sent to the real handler, gets a documented status with a body
 * of the documented shape; errors match the documented error schema.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_ROUTES } from '../../../../functions/adapters/http/api-routes.ts';
import {
  buildOpenApiDocument,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiResponse,
} from '../../../../functions/adapters/http/openapi.ts';
import { ROUTE_DOCS } from '../../../../functions/adapters/http/route-docs.ts';
import { addConfirmedReader, memoryApp, type MemoryApp, type MemoryRequest } from '../../../support/memory-app.ts';

let app: MemoryApp;
let doc: OpenApiDocument;
const READER = 'reader@example.com';

beforeAll(async () => {
  app = await memoryApp();
  await addConfirmedReader(app, READER);
  const served = await app.answer({ method: 'GET', url: '/openapi.json' });
  expect(served.statusCode).toBe(200);
  expect(served.headers?.['content-type']).toContain('application/json');
  doc = JSON.parse(served.body!) as OpenApiDocument;
});

type Schema = Record<string, unknown>;

/** The document's schema as a validator, its $refs resolved from the document itself. */
function validator(schema: Schema): z.ZodType {
  const resolved = JSON.parse(JSON.stringify(schema), (_key, value: unknown) => {
    const ref = (value as { $ref?: string } | null)?.$ref;
    return typeof ref === 'string' ? doc.components.schemas[ref.replace('#/components/schemas/', '')] : value;
  }) as Schema;
  return z.fromJSONSchema(resolved as never);
}

/** An operation's response for a status, a components response followed. */
function responseOf(op: OpenApiOperation, status: string): OpenApiResponse {
  const answer = op.responses[status]!;
  return '$ref' in answer ? doc.components.responses[answer.$ref.replace('#/components/responses/', '')]! : answer;
}

function operations(): Array<[string, string, OpenApiOperation]> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]): [string, string, OpenApiOperation] => [method.toUpperCase(), path, op]),
  );
}

/** A concrete URL for a route: its path parameters and a valid token for the reader where it takes one. */
function urlFor(method: string, path: string): string {
  const concrete = path.replace('{id}', '20261126T070000-20261125T070000');
  const purpose = ({ '/confirm': 'confirm', '/unsubscribe': 'unsubscribe', '/preferences': 'preferences' } as const)[
    concrete as '/confirm'
  ];
  return purpose ? `${concrete}?token=${app.token(purpose, READER)}` : concrete;
}

function exampleRequest(method: string, path: string, op: OpenApiOperation): MemoryRequest {
  const headers: Record<string, string> = op.security.length > 0 ? { 'x-api-key': app.apiKey } : {};
  const content = op.requestBody?.content;
  if (!content) return { method, url: urlFor(method, path), headers };
  const [media, { example }] = Object.entries(content)[0]!;
  const body = media === 'application/json' ? JSON.stringify(example) : new URLSearchParams(example as Record<string, string>).toString();
  return { method, url: urlFor(method, path), headers: { ...headers, 'content-type': media }, body };
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists exactly the routes the router serves, with HEAD beside each GET', () => {
    expect(doc.openapi).toBe('3.1.0');
    const documented = operations()
      .map(([method, path]) => `${method} ${path}`)
      .sort();
    const served = app.routes.flatMap((r) => (r.method === 'GET' ? [`GET ${r.path}`, `HEAD ${r.path}`] : [`${r.method} ${r.path}`])).sort();
    expect(documented).toEqual(served);
    expect(Object.keys(ROUTE_DOCS).sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('refuses to describe a route that has no documentation', () => {
    expect(() => buildOpenApiDocument([...API_ROUTES, { method: 'PATCH', path: '/articles/{id}', function: 'api-articles' }])).toThrow(
      /PATCH \/articles\/\{id\} has no entry/,
    );
  });

  it('documents each request body with the schema core validates with, and its example passes it', () => {
    for (const [method, path, op] of operations()) {
      for (const [media, { schema, example }] of Object.entries(op.requestBody?.content ?? {})) {
        expect(validator(schema).safeParse(example).success, `${method} ${path} ${media}`).toBe(true);
      }
    }
    const batch = validator(doc.paths['/articles']!.post!.requestBody!.content['application/json']!.schema);
    expect(batch.safeParse({ articles: [] }).success).toBe(false);
    expect(batch.safeParse({ articles: [{ title: 'No source' }] }).success).toBe(false);
    const subscription = validator(doc.paths['/subscriptions']!.post!.requestBody!.content['application/json']!.schema);
    expect(subscription.safeParse({ timezone: 'UTC' }).success).toBe(false);
  });

  it('answers each example with a documented status and a body of the documented shape', async () => {
    for (const [method, path, op] of operations()) {
      const result = await app.answer(exampleRequest(method, path, op));
      const status = String(result.statusCode);
      expect(Object.keys(op.responses), `${method} ${path} answered ${status}: ${result.body?.slice(0, 200)}`).toContain(status);
      if (method === 'HEAD') continue;
      const type = String(result.headers?.['content-type'] ?? '').split(';')[0]!;
      const documented = responseOf(op, status).content?.[type];
      if (status !== '303') expect(documented, `${method} ${path} ${status} as ${type}`).toBeDefined();
      if (type === 'application/json') {
        const parsed = validator(documented!.schema).safeParse(JSON.parse(result.body!));
        expect(parsed.success, `${method} ${path}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      }
    }
  });

  it('documents the errors as they are sent: a refused batch, a bad subscription, a missing key', async () => {
    const errorSchema = validator({ $ref: '#/components/schemas/Error' });
    const refusals: MemoryRequest[] = [
      {
        method: 'POST',
        url: '/articles',
        headers: { 'x-api-key': app.apiKey, 'content-type': 'application/json' },
        body: '{"articles":[]}',
      },
      { method: 'POST', url: '/articles', headers: { 'x-api-key': app.apiKey, 'content-type': 'application/json' }, body: '{not json' },
      { method: 'POST', url: '/articles', body: '{}' },
      { method: 'POST', url: '/subscriptions', headers: { 'content-type': 'application/json' }, body: '{"email":"nope"}' },
      { method: 'GET', url: '/nowhere' },
      { method: 'DELETE', url: '/health' },
    ];
    for (const request of refusals) {
      const result = await app.answer(request);
      expect(result.statusCode, request.url).toBeGreaterThanOrEqual(400);
      const body = JSON.parse(result.body!) as { error: { code: string; details?: Array<{ field: string }> } };
      expect(errorSchema.safeParse(body).success, result.body).toBe(true);
      if (body.error.code === 'validation_failed') expect(body.error.details?.[0]?.field).toBeTruthy();
      const op = doc.paths[request.url]?.[request.method.toLowerCase()];
      if (op) expect(Object.keys(op.responses)).toContain(String(result.statusCode));
    }
  });

  it("documents a keyed route's 429 as it is sent: over the key's requests per minute, with Retry-After", async () => {
    const request: MemoryRequest = {
      method: 'POST',
      url: '/articles',
      headers: { 'x-api-key': app.limitedApiKey, 'content-type': 'application/json' },
      body: '{"articles":[]}',
    };
    expect((await app.answer(request)).statusCode).toBe(400);
    const limited = await app.answer(request);

    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(validator({ $ref: '#/components/schemas/Error' }).safeParse(JSON.parse(limited.body!)).success).toBe(true);
    for (const [method, path, op] of operations()) {
      if (op.security.length === 0) continue;
      expect(responseOf(op, '429').headers, `${method} ${path}`).toHaveProperty('Retry-After');
    }
  });

  it('says what a client needs: its server, no meaningless integer bounds, closed source objects, the 403 of keyed routes, an optional one-click body', async () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'https://digest.example' })]);
    const text = JSON.stringify(doc);
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    const listed = responseOf(doc.paths['/sources']!.get!, '200').content!['application/json']!.schema as {
      properties: { sources: { items: Schema } };
    };
    expect(listed.properties.sources.items).toMatchObject({ additionalProperties: false });
    for (const [method, path, op] of operations()) {
      if (op.security.length === 0) expect(op.responses['403'], `${method} ${path}`).toBeUndefined();
      else if (method === 'HEAD') expect(responseOf(op, '403').description).toBe('the key lacks the scope this route needs');
      else
        expect(op.responses['403'], `${method} ${path}`).toEqual({
          $ref: '#/components/responses/Forbidden',
          description: expect.stringMatching(/^the x-api-key lacks the "\w+" scope/),
        });
    }
    expect(doc.components.responses.Forbidden!.description).toBe('the key lacks the scope this route needs');

    const oneClick = doc.paths['/unsubscribe']!.post!;
    expect(oneClick.requestBody?.required).toBe(false);
    const bodiless = await app.answer({ method: 'POST', url: urlFor('POST', '/unsubscribe') });
    expect(bodiless.statusCode).toBe(200);
  });

  it("describes the 429 API Gateway's stage throttle sends on every operation, with the gateway's own body", () => {
    const throttled = validator({ $ref: '#/components/schemas/GatewayThrottle' });
    expect(throttled.safeParse({ message: 'Too Many Requests' }).success).toBe(true);
    for (const [method, path, op] of operations()) {
      const answer = responseOf(op, '429');
      expect(answer.description, `${method} ${path}`).toContain('{"message":"Too Many Requests"}');
      if (method !== 'HEAD')
        expect(JSON.stringify(answer.content?.['application/json']?.schema), `${method} ${path}`).toContain('GatewayThrottle');
    }
  });
});
