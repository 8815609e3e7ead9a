/**
 * A local HTTP server standing in for feed hosts: routes by path, and a helper serving a file
 * with ETag and Last-Modified that answers 304 to a matching conditional request. Tests never
 * reach the network.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The feed fixtures (real/, rdf/, atom03/, charset/, sanitize/ from rss-parser and feedparser, licences beside them; json-feed-*.json ours). */
export const FEED_FIXTURES = join(import.meta.dirname, '../fixtures/feeds');

export type FeedRoute = (request: IncomingMessage, response: ServerResponse) => void;

export interface FeedServer {
  port: number;
  /** http://127.0.0.1:<port><path> */
  url(path: string): string;
  /** Requests seen, by path, with their headers: what the fetcher sent. */
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  route(path: string, handler: FeedRoute): void;
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, FeedRoute>();
  const requests: FeedServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push({ path, headers: request.headers });
    const handler = routes.get(path);
    if (handler) return handler(request, response);
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves `body` with validators; a request carrying either validator gets 304. */
export function conditionalBody(
  body: Buffer | string,
  contentType: string,
  etag = '"v1"',
  lastModified = 'Mon, 30 Nov 2026 06:00:00 GMT',
): FeedRoute {
  return (request, response) => {
    if (request.headers['if-none-match'] === etag || request.headers['if-modified-since'] === lastModified) {
      response.writeHead(304, { etag, 'last-modified': lastModified });
      return response.end();
    }
    response.writeHead(200, { 'content-type': contentType, etag, 'last-modified': lastModified });
    response.end(body);
  };
}
