/** The FeedFetcher port on safeGet: conditional requests, and the Accept header feed servers look at. */
import type { ConditionalHeaders, FeedFetcher, FetchOutcome } from '../../core/sources/index.ts';
import { type SafeHttpOptions, safeGet } from './safe-http.ts';

const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5';

/** Names the product and where to reach its operator, as feed hosts ask of crawlers. */
export function feedUserAgent(contactUrl: string): string {
  return `digest-mailer/0.1 (feed poller; +${contactUrl})`;
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export function createFeedFetcher(options: SafeHttpOptions): FeedFetcher {
  return {
    async fetchFeed(url: string, conditional: ConditionalHeaders): Promise<FetchOutcome> {
      const headers: Record<string, string> = { accept: FEED_ACCEPT };
      if (conditional.etag !== undefined) headers['if-none-match'] = conditional.etag;
      if (conditional.lastModified !== undefined) headers['if-modified-since'] = conditional.lastModified;
      const response = await safeGet(url, headers, options);
      const etag = single(response.headers.etag);
      const lastModified = single(response.headers['last-modified']);
      const validators = { ...(etag !== undefined && { etag }), ...(lastModified !== undefined && { lastModified }) };
      if (response.status === 304) return { status: 'not-modified', ...validators };
      const contentType = single(response.headers['content-type']);
      return {
        status: 'fetched',
        url: response.url,
        body: response.body,
        ...(contentType !== undefined && { contentType }),
        ...validators,
      };
    },
  };
}
