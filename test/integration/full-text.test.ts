/**
 * Full text against a local server on two loopback origins (127.0.0.1 and localhost, one port):
 * robots.txt is asked at every origin a redirect reaches, and hostile pages (deep nesting) end
 * within their deadline instead of holding the poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFullTextFetcher } from '../../functions/adapters/feeds/full-text.ts';
import { DEFAULT_SAFE_HTTP, type SafeHttpOptions } from '../../functions/adapters/feeds/safe-http.ts';
import { FeedFetchError } from '../../functions/core/sources/index.ts';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';

let server: FeedServer;
const options: SafeHttpOptions = { ...DEFAULT_SAFE_HTTP, allowPrivate: true, userAgent: 'digest-mailer-test' };
const ARTICLE = `<html><head><title>t</title></head><body><article><h1>Title</h1><p>${'Readable words of the article body. '.repeat(40)}</p></article></body></html>`;

const onLocalhost = (path: string) => `http://localhost:${server.port}${path}`;

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
  // One server, two origins: localhost's robots.txt keeps us out of /private/, 127.0.0.1's allows all.
  server.route('/robots.txt', (request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(request.headers.host?.startsWith('localhost') ? 'User-agent: *\nDisallow: /private/\n' : 'User-agent: *\nAllow: /\n');
  });
  server.route('/private/page', (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(ARTICLE);
  });
  server.route('/public/page', (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(ARTICLE);
  });
  server.route('/to-private', (_request, response) => {
    response.writeHead(302, { location: onLocalhost('/private/page') });
    response.end();
  });
  server.route('/to-public', (_request, response) => {
    response.writeHead(302, { location: onLocalhost('/public/page') });
    response.end();
  });
});

afterAll(() => server.close());

describe('robots.txt', () => {
  it('is asked at every origin a redirect reaches: a page redirecting to a disallowed path elsewhere is not fetched', async () => {
    const fullText = createFullTextFetcher(options);
    const error = await failure(fullText.articleText(server.url('/to-private')));
    expect(error.reason).toBe('robots');
    expect(error.message).toContain(`localhost:${server.port}`);
    expect(server.requests.filter((request) => request.path === '/private/page')).toHaveLength(0);
    expect(server.requests.filter((request) => request.path === '/robots.txt').map((request) => request.headers.host)).toEqual([
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
    ]);
    expect(await fullText.articleText(server.url('/to-public'))).toContain('Readable words of the article body.');
  });
});
