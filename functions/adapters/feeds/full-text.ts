/**
 * The main text of an entry's linked page, for sources that opt in: fetched under the same rules
 * as feeds (safeGet), only where the robots.txt of every origin on the way (redirects included)
 * allows our user agent (robots-parser), and extracted by article-text.ts (Readability), off the
 * main thread in the poller. Text only: Readability's HTML never leaves here.
 */
import robotsParserModule from 'robots-parser';
import { FeedFetchError, type FullTextFetcher } from '../../core/sources/index.ts';
import { extractArticleText } from './article-text.ts';
import { type SafeHttpOptions, safeGet } from './safe-http.ts';

/** A page's bytes to its main text: extractArticleText, in a worker with a deadline where it counts (off-thread.ts). */
export type ArticleExtractor = (body: Uint8Array, contentType: string | undefined) => Promise<string | undefined>;

interface Robots {
  isAllowed(url: string, userAgent?: string): boolean | undefined;
}
// The package's typings declare the module twice over, which hides the call signature of its default export.
const robotsParser = robotsParserModule as unknown as (url: string, robotsTxt: string) => Robots;

/** robots.txt per origin, for the life of the fetcher (one poll run, or a warm Lambda). */
async function robotsFor(origin: string, options: SafeHttpOptions, cache: Map<string, Promise<Robots | 'deny-all' | 'allow-all'>>) {
  let pending = cache.get(origin);
  if (!pending) {
    const robotsUrl = `${origin}/robots.txt`;
    pending = safeGet(robotsUrl, { accept: 'text/plain' }, { ...options, maxBytes: 512 * 1024 })
      .then((response) => robotsParser(robotsUrl, response.body.toString('utf8')))
      .catch((error: unknown) => {
        // As crawlers agree (RFC 9309): no robots.txt (4xx) allows everything; an unreachable one (5xx, network) allows nothing.
        if (error instanceof FeedFetchError && error.reason === 'http-status' && /HTTP 4\d\d/.test(error.message))
          return 'allow-all' as const;
        return 'deny-all' as const;
      });
    cache.set(origin, pending);
  }
  return pending;
}

export function createFullTextFetcher(
  options: SafeHttpOptions,
  extract: ArticleExtractor = async (body, contentType) => extractArticleText(body, contentType),
): FullTextFetcher {
  const robots = new Map<string, Promise<Robots | 'deny-all' | 'allow-all'>>();
  return {
    async articleText(url: string): Promise<string | undefined> {
      // Every origin a redirect reaches is asked, not only the first: a page may redirect to a site that disallows us.
      const allowedByRobots = async (target: URL): Promise<void> => {
        const rules = await robotsFor(target.origin, options, robots);
        const allowed = rules === 'allow-all' || (rules !== 'deny-all' && rules.isAllowed(target.href, options.userAgent) !== false);
        if (!allowed) throw new FeedFetchError(`robots.txt of ${target.host} does not allow fetching ${target.pathname}`, 'robots');
      };
      const response = await safeGet(url, { accept: 'text/html, application/xhtml+xml;q=0.9' }, options, allowedByRobots);
      const contentType = response.headers['content-type'];
      if (contentType !== undefined && !/html/i.test(contentType)) return undefined;
      return extract(response.body, contentType);
    },
  };
}
