/**
 * The safe fetcher against a local server: the SSRF rules on every connection and redirect, the
 * timeouts, the byte cap (a gzip bomb included), conditional requests, Retry-After and the
 * User-Agent. Addresses come from an injected resolver; nothing leaves the machine.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedFetcher } from '../../functions/adapters/feeds/feed-fetcher.ts';
import { safeHttpOptions } from '../../functions/adapters/feeds/safe-http-config.ts';
import { refusedRange } from '../../functions/adapters/feeds/address-policy.ts';
import { DEFAULT_SAFE_HTTP, safeGet, type SafeHttpOptions } from '../../functions/adapters/feeds/safe-http.ts';
import { loadConfig } from '../../functions/adapters/runtime/config.ts';
import { FeedFetchError } from '../../functions/core/sources/index.ts';
import { conditionalBody, type FeedServer, startFeedServer } from '../support/feed-server.ts';

let server: FeedServer;
/** `feeds.test` stands for a public host: it resolves to the local server, and only it may be reached on loopback. */
const PUBLIC_NAME = 'feeds.test';

const NAMES: Record<string, string> = {
  [PUBLIC_NAME]: '127.0.0.1',
  localhost: '127.0.0.1',
  'intranet.test': '10.0.0.1',
  'metadata.test': '169.254.169.254',
  'v6local.test': 'fd00::1',
};

function options(overrides: Partial<SafeHttpOptions> = {}): SafeHttpOptions {
  // FEEDS_ALLOW_PRIVATE unset, as in every deployed function.
  const config = loadConfig({
    TABLE_NAME: 't',
    PUBLIC_URL: 'https://digest.example',
    MAIL_FROM: 'a@example.com',
    TOKEN_SECRET: 'x'.repeat(32),
  });
  return safeHttpOptions(config, {
    resolve: async (hostname) => {
      const address = NAMES[hostname];
      if (!address) throw new Error(`ENOTFOUND ${hostname}`);
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    },
    refuse: (address, hostname) => (hostname === PUBLIC_NAME ? undefined : refusedRange(address)),
    ...overrides,
  });
}

const publicUrl = (path: string) => `http://${PUBLIC_NAME}:${server.port}${path}`;

async function failure(promise: Promise<unknown>): Promise<FeedFetchError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FeedFetchError);
  return error as FeedFetchError;
}

beforeAll(async () => {
  server = await startFeedServer();
  server.route('/feed.xml', conditionalBody('<rss version="2.0"><channel><title>t</title></channel></rss>', 'application/rss+xml'));
  server.route('/to-loopback', (_request, response) => {
    response.writeHead(302, { location: `http://127.0.0.1:${server.port}/feed.xml` });
    response.end();
  });
  server.route('/to-localhost', (_request, response) => {
    response.writeHead(301, { location: `http://localhost:${server.port}/feed.xml` });
    response.end();
  });
  server.route('/to-intranet', (_request, response) => {
    response.writeHead(307, { location: 'http://intranet.test/feed.xml' });
    response.end();
  });
  server.route('/relative-redirect', (_request, response) => {
    response.writeHead(302, { location: '/feed.xml' });
    response.end();
  });
  for (let hop = 0; hop < 6; hop += 1) {
    server.route(`/hop${hop}`, (_request, response) => {
      response.writeHead(302, { location: `/hop${hop + 1}` });
      response.end();
    });
  }
  server.route('/stall', () => {
    // Never answers.
  });
  server.route('/trickle', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml' });
    response.write('<rss>');
  });
  server.route('/huge', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = (): void => {
      while (sent < 8 * 1024 * 1024) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
      response.end();
    };
    pump();
  });
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0));
  server.route('/bomb', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
    response.end(bomb);
  });
  server.route('/gzipped', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
    response.end(gzipSync('<rss version="2.0"><channel><title>zipped</title></channel></rss>'));
  });
  server.route('/busy', (_request, response) => {
    response.writeHead(429, { 'retry-after': '120' });
    response.end();
  });
  server.route('/down', (_request, response) => {
    response.writeHead(503, { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() });
    response.end();
  });
});

afterAll(async () => {
  await server.close();
});

describe('the address rules (FEEDS_ALLOW_PRIVATE unset)', () => {
  it('refuses loopback, private, link-local, unique-local, multicast and unspecified addresses, and allows public unicast', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      'fe80::1',
      '224.0.0.1',
      'ff02::1',
      '0.0.0.0',
      '::',
      '::ffff:127.0.0.1',
      '100.64.0.1',
    ]) {
      expect(refusedRange(address), address).toBeDefined();
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::6810:84e5']) expect(refusedRange(address), address).toBeUndefined();
  });

  it('refuses a URL naming 127.0.0.1, and a name that resolves to 10.0.0.1, before any request', async () => {
    const literal = await failure(safeGet(`http://127.0.0.1:${server.port}/feed.xml`, {}, options()));
    expect(literal.reason).toBe('blocked-address');
    const intranet = await failure(safeGet('http://intranet.test/feed.xml', {}, options()));
    expect(intranet.reason).toBe('blocked-address');
    expect(intranet.message).toContain('10.0.0.1');
    expect((await failure(safeGet('http://metadata.test/latest/meta-data/', {}, options()))).reason).toBe('blocked-address');
    expect((await failure(safeGet('http://v6local.test/', {}, options()))).reason).toBe('blocked-address');
    expect(server.requests.filter((r) => r.path === '/latest/meta-data/')).toHaveLength(0);
  });

  it('refuses a redirect to 127.0.0.1, to localhost and to a private name, checking every hop', async () => {
    for (const path of ['/to-loopback', '/to-localhost', '/to-intranet']) {
      const error = await failure(safeGet(publicUrl(path), {}, options()));
      expect(error.reason, path).toBe('blocked-address');
    }
  });

  it('follows up to 5 redirects, relative ones included, and refuses a sixth', async () => {
    expect((await safeGet(publicUrl('/relative-redirect'), {}, options())).status).toBe(200);
    // Five hops end at /hop6, which is not there: followed to the end.
    expect((await failure(safeGet(publicUrl('/hop1'), {}, options()))).message).toContain('HTTP 404');
    expect((await failure(safeGet(publicUrl('/hop0'), {}, options()))).reason).toBe('too-many-redirects');
  });

  it('fetches only http and https', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://feeds.test/feed.xml', 'gopher://feeds.test/']) {
      expect((await failure(safeGet(url, {}, options()))).reason, url).toBe('not-http');
    }
  });

  it('reaches loopback only when FEEDS_ALLOW_PRIVATE=1', async () => {
    const config = loadConfig({
      TABLE_NAME: 't',
      PUBLIC_URL: 'https://digest.example',
      MAIL_FROM: 'a@example.com',
      TOKEN_SECRET: 'x'.repeat(32),
      FEEDS_ALLOW_PRIVATE: '1',
    });
    expect(config.FEEDS_ALLOW_PRIVATE).toBe(true);
    const response = await safeGet(server.url('/feed.xml'), {}, { ...DEFAULT_SAFE_HTTP, allowPrivate: true, userAgent: 'test' });
    expect(response.status).toBe(200);
  });
});

describe('bounds', () => {
  it('gives up on a server that never answers after the total timeout, and on a lookup that never ends after the connect timeout', async () => {
    const started = Date.now();
    expect((await failure(safeGet(publicUrl('/stall'), {}, options({ totalTimeoutMs: 150 })))).reason).toBe('timeout');
    expect((await failure(safeGet(publicUrl('/trickle'), {}, options({ totalTimeoutMs: 150 })))).reason).toBe('timeout');
    const hanging = options({ connectTimeoutMs: 100, resolve: () => new Promise(() => undefined) });
    expect((await failure(safeGet('http://slow-dns.test/feed.xml', {}, hanging))).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops a body at the cap while streaming, and a gzip bomb at the cap after decompression', async () => {
    const huge = await failure(safeGet(publicUrl('/huge'), {}, options()));
    expect(huge.reason).toBe('too-large');
    const started = Date.now();
    const bomb = await failure(safeGet(publicUrl('/bomb'), {}, options()));
    expect(bomb.reason).toBe('too-large');
    expect(bomb.message).toContain('decompressed');
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await safeGet(publicUrl('/gzipped'), {}, options())).body.toString()).toContain('zipped');
  });

  it('honours Retry-After on 429 (seconds) and 503 (a date)', async () => {
    const busy = await failure(safeGet(publicUrl('/busy'), {}, options()));
    expect(busy.retryAfterSeconds).toBe(120);
    const down = await failure(safeGet(publicUrl('/down'), {}, options()));
    expect(down.retryAfterSeconds).toBeGreaterThan(3500);
  });
});

describe('the feed fetcher', () => {
  it('asks conditionally with the validators it was given, and reads 304 as not modified', async () => {
    const fetcher = createFeedFetcher(options());
    const first = await fetcher.fetchFeed(publicUrl('/feed.xml'), {});
    expect(first).toMatchObject({
      status: 'fetched',
      etag: '"v1"',
      lastModified: 'Mon, 30 Nov 2026 06:00:00 GMT',
      contentType: 'application/rss+xml',
    });

    const second = await fetcher.fetchFeed(publicUrl('/feed.xml'), { etag: '"v1"', lastModified: 'Mon, 30 Nov 2026 06:00:00 GMT' });
    expect(second.status).toBe('not-modified');
    const sent = server.requests.filter((r) => r.path === '/feed.xml').at(-1)!.headers;
    expect(sent['if-none-match']).toBe('"v1"');
    expect(sent['if-modified-since']).toBe('Mon, 30 Nov 2026 06:00:00 GMT');
  });

  it('names the product and a contact URL in its User-Agent', async () => {
    await createFeedFetcher(options()).fetchFeed(publicUrl('/feed.xml'), {});
    const agent = server.requests.filter((r) => r.path === '/feed.xml').at(-1)!.headers['user-agent'];
    expect(agent).toMatch(/^digest-mailer\/\S+ \(.*\+https:\/\/digest\.example\)$/);
  });
});
