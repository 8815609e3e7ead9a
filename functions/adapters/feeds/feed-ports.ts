/**
 * The feed poller's own ports: fetching (SSRF rules), parsing (feedsmith, iconv-lite) and full
 * text (Readability on linkedom), the last two in worker threads with a deadline (off-thread.ts). They are not in the shared wiring because every Lambda bundles
 * what the wiring imports; only the poller and the local stack pass these in.
 */
import type { AppConfig } from '../runtime/config.ts';
import type { PortBuilders } from '../runtime/wiring.ts';
import { createFeedFetcher } from './feed-fetcher.ts';
import { createFullTextFetcher } from './full-text.ts';
import { createOffThreadRunner, offThreadFeedParser, type OffThreadRunner } from './off-thread.ts';
import { safeHttpOptions } from './safe-http-config.ts';

/** One document's parse or one page's Readability at most; a poll's own budget (core/sources) bounds the sum. */
export const DOCUMENT_DEADLINE_MS = 20_000;

let shared: OffThreadRunner | undefined;
/** The workers, started on first use and shared by the parser and full text of the process. */
const offThread = (): OffThreadRunner => (shared ??= createOffThreadRunner({ deadlineMs: DOCUMENT_DEADLINE_MS }));

export const FEED_PORT_BUILDERS = {
  feedFetcher: (config: AppConfig) => createFeedFetcher(safeHttpOptions(config)),
  feedParser: () => offThreadFeedParser(offThread()),
  fullText: (config: AppConfig) =>
    createFullTextFetcher(
      safeHttpOptions(config),
      async (body, contentType) => (await offThread().run({ kind: 'article', body, contentType })) as string | undefined,
    ),
} satisfies PortBuilders;
