/**
 * The feed poller's own ports: fetching (SSRF rules), parsing (feedsmith, iconv-lite) and full
 * text (Readability on linkedom). They are not in the shared wiring because every Lambda bundles
 * what the wiring imports; only the poller and the local stack pass these in.
 */
import type { AppConfig } from '../runtime/config.ts';
import type { PortBuilders } from '../runtime/wiring.ts';
import { createFeedFetcher } from './feed-fetcher.ts';
import { createFullTextFetcher } from './full-text.ts';
import { feedParser } from './parse-feed.ts';
import { safeHttpOptions } from './safe-http-config.ts';

export const FEED_PORT_BUILDERS = {
  feedFetcher: (config: AppConfig) => createFeedFetcher(safeHttpOptions(config)),
  feedParser: () => feedParser,
  fullText: (config: AppConfig) => createFullTextFetcher(safeHttpOptions(config)),
} satisfies PortBuilders;
