/**
 * HTTP hygiene at the edge, for the local router and the Lambdas alike: 405 with Allow, HEAD
 * wherever GET is, the security headers on every answer (router-made ones included), HSTS
 * only over TLS, and bodies refused by size before anything reads or parses them.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../../functions/adapters/http/api-routes.ts';
import type { HttpEvent, HttpResult } from '../../../../functions/adapters/http/http.ts';
import { SECURITY_HEADER_NAMES, STRICT_TRANSPORT_SECURITY } from '../../../../functions/adapters/http/security-headers.ts';
import { createRouter, type Route, type Router } from '../../../../functions/local/router.ts';
import { addConfirmedReader, memoryApp, type MemoryApp } from '../../../support/memory-app.ts';

let app: MemoryApp;
let router: Router;
let baseUrl: string;

beforeAll(async () => {
  app = await memoryApp();
  await addConfirmedReader(app, 'reader@example.com');
  const failing: Route = {
    method: 'GET',
    path: '/boom',
    function: 'api-site',
    handler: () => Promise.reject(new Error('at secret (/srv/x.ts:1:1)')),
  };
  router = createRouter([...app.routes, failing]);
  await new Promise<void>((resolve) => router.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await router.drain(1000);
});

function expectSecurityHeaders(headers: Headers | Record<string, unknown>, what: string): void {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] as string | undefined));
  for (const name of SECURITY_HEADER_NAMES) expect(get(name), `${name} on ${what}`).toBeTruthy();
  expect(get('x-content-type-options'), what).toBe('nosniff');
  expect(get('content-security-policy'), what).toContain("frame-ancestors 'none'");
}

/** The same event API Gateway hands a Lambda: HTTPS, with its x-forwarded-proto. */
function gatewayEvent(method: string, url: string, init: { body?: string; headers?: Record<string, string> } = {}): HttpEvent {
  const event = app.event({ method, url, headers: init.headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  event.headers = { ...event.headers, 'x-forwarded-proto': 'https' };
  return event;
}

const siteLambda = (): Route['handler'] => app.routes.find((r) => r.function === 'api-site')!.handler;

describe('405 and Allow', () => {
  it('answers a wrong method with 405, JSON, and an Allow header naming what the path answers', async () => {
    const response = await fetch(`${baseUrl}/articles`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
    const confirm = await fetch(`${baseUrl}/confirm`, { method: 'PUT' });
    expect(confirm.headers.get('allow')).toBe('GET, HEAD, POST');
    expectSecurityHeaders(confirm.headers, 'a router 405');
  });

  it("gives the same 405 and Allow from the site Lambda behind API Gateway's $default route", async () => {
    const result = await siteLambda()(gatewayEvent('PATCH', '/preferences?token=x'));
    expect(result.statusCode).toBe(405);
    expect(result.headers?.allow).toBe('GET, HEAD, POST');
    expect(JSON.parse(result.body!)).toMatchObject({ error: { code: 'method_not_allowed' } });
    expectSecurityHeaders(result.headers!, 'the $default 405');
  });

  it('answers unknown paths with our JSON 404 and headers, locally and from $default', async () => {
    const local = await fetch(`${baseUrl}/wp-login.php`, { headers: { accept: 'text/html' } });
    expect(local.status).toBe(404);
    expect(await local.json()).toMatchObject({ error: { code: 'not_found' } });
    expectSecurityHeaders(local.headers, 'a router 404');
    const lambda = await siteLambda()(gatewayEvent('GET', '/wp-login.php'));
    expect(lambda.statusCode).toBe(404);
    expect(JSON.parse(lambda.body!)).toMatchObject({ error: { code: 'not_found' } });
    expectSecurityHeaders(lambda.headers!, 'the $default 404');
  });
});

describe('HEAD', () => {
  const readerPaths = () => [
    '/',
    '/health',
    '/editions',
    '/openapi.json',
    `/confirm?token=${app.token('confirm', 'reader@example.com')}`,
    `/unsubscribe?token=${app.token('unsubscribe', 'reader@example.com')}`,
    `/preferences?token=${app.token('preferences', 'reader@example.com')}`,
  ];

  it("answers HEAD wherever GET is, with the GET answer's status and headers and no body", async () => {
    for (const path of readerPaths()) {
      const get = await fetch(`${baseUrl}${path}`);
      const getBody = Buffer.from(await get.arrayBuffer());
      const head = await fetch(`${baseUrl}${path}`, { method: 'HEAD' });
      expect(head.status, path).toBe(get.status);
      expect(Buffer.from(await head.arrayBuffer()).byteLength, path).toBe(0);
      expect(head.headers.get('content-length'), path).toBe(String(getBody.byteLength));
      for (const name of ['content-type', 'content-security-policy', 'cache-control', 'x-content-type-options']) {
        expect(head.headers.get(name), `${name} on HEAD ${path}`).toBe(get.headers.get(name));
      }
    }
  });

  it('answers HEAD in the Lambdas too, and a GET-only route lists HEAD in Allow', async () => {
    const result = await siteLambda()(gatewayEvent('HEAD', '/health'));
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('');
    expect(result.headers?.['content-length']).toBe(String('{"status":"ok"}'.length));
    expect((await fetch(`${baseUrl}/health`, { method: 'POST' })).headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('security headers on every answer', () => {
  it("carries them on JSON, pages, redirects, errors and the router's own 413 and 500, with no stack trace", async () => {
    const token = app.token('preferences', 'reader@example.com');
    const answers: Array<[string, Response]> = [
      ['health', await fetch(`${baseUrl}/health`)],
      ['page', await fetch(`${baseUrl}/`)],
      ['ingest 401', await fetch(`${baseUrl}/articles`, { method: 'POST', body: '{}' })],
      ['bad token page', await fetch(`${baseUrl}/confirm?token=nope`)],
      [
        'sign-out redirect',
        await fetch(`${baseUrl}/preferences?token=${token}`, {
          method: 'POST',
          body: 'action=sign-out',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          redirect: 'manual',
        }),
      ],
      ['router 413', await fetch(`${baseUrl}/subscriptions`, { method: 'POST', body: 'x'.repeat(20_000) })],
      ['router 500', await fetch(`${baseUrl}/boom`)],
    ];
    for (const [what, response] of answers) {
      expectSecurityHeaders(response.headers, what);
      expect(response.headers.get('strict-transport-security'), what).toBeNull();
      expect(await response.text(), what).not.toMatch(/\bat \S+ \(|\.ts:\d+/);
    }
    expect(answers.find(([what]) => what === 'sign-out redirect')![1].status).toBe(303);
    expect(answers.find(([what]) => what === 'router 500')![1].status).toBe(500);
  });

  it('adds HSTS only when the request came over TLS: the Lambdas behind API Gateway, never plain-HTTP localhost', async () => {
    const deployed = await siteLambda()(gatewayEvent('GET', '/'));
    expect(deployed.headers?.['strict-transport-security']).toBe(STRICT_TRANSPORT_SECURITY);
    const deployedError = await siteLambda()(gatewayEvent('GET', '/editions/nonsense'));
    expect(deployedError.headers?.['strict-transport-security']).toBe(STRICT_TRANSPORT_SECURITY);
    // A client claiming TLS to the local stack gets no HSTS: the router overwrites the header as a proxy would.
    const local = await fetch(`${baseUrl}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(local.headers.get('strict-transport-security')).toBeNull();
  });

  it('gives pages their own hashed-script CSP and JSON a deny-all one', async () => {
    const page = await fetch(`${baseUrl}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);
    const health = await fetch(`${baseUrl}/health`);
    expect(health.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
  });
});

describe('bounded bodies', () => {
  function rawPost(
    path: string,
    headers: Record<string, string>,
    firstChunk: string,
  ): Promise<{ status: number; body: string; ms: number }> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${baseUrl}${path}`, { method: 'POST', headers }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, ms: performance.now() - started }));
      });
      request.on('error', reject);
      // The rest of the declared body never comes: the answer must not wait for it.
      request.write(firstChunk);
    });
  }

  it("refuses a declared Content-Length over the route's limit before reading the body", async () => {
    const answer = await rawPost(
      '/articles',
      { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) },
      '{"articles":[',
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(answer.ms).toBeLessThan(2000);
  });

  it("stops reading a streamed body at the route's limit (8 KB for a subscription, 1 MB for a batch)", async () => {
    const small = await fetch(`${baseUrl}/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.com', website: 'x'.repeat(9000) }),
    });
    expect(small.status).toBe(413);
    const limits = Object.fromEntries(API_ROUTES.map((r) => [`${r.method} ${r.path}`, 'maxBodyBytes' in r ? r.maxBodyBytes : undefined]));
    expect(limits['POST /articles']).toBe(1024 * 1024);
  });

  it('refuses an oversized body in the Lambdas before decoding it', async () => {
    const handler = app.routes.find((r) => r.function === 'api-subscriptions')!.handler;
    const event: HttpEvent = { ...gatewayEvent('POST', '/subscriptions'), isBase64Encoded: true, body: 'A'.repeat(40_000) };
    const result: HttpResult = await handler(event);
    expect(result.statusCode).toBe(413);
    expectSecurityHeaders(result.headers!, 'a Lambda 413');
  });
});
