/** What the sources capability needs from the outside: storage, the network, a parser, a queue. */
import type { FetchOutcome, ParsedFeed, Source } from './types.ts';

export interface SourceStore {
  /** Stores the source unless one with its id exists (a conditional write). */
  putIfAbsent(source: Source): Promise<'created' | 'exists'>;
  get(id: string): Promise<Source | undefined>;
  /** Replaces the stored source. */
  put(source: Source): Promise<void>;
  /** Whether there was one to delete. */
  delete(id: string): Promise<boolean>;
  /** Every source, in id order. */
  list(): AsyncIterable<Source>;
}

export interface ConditionalHeaders {
  etag?: string;
  lastModified?: string;
}

/** Fetches a feed under the safety rules (address policy, timeouts, size cap); throws FeedFetchError. */
export interface FeedFetcher {
  fetchFeed(url: string, conditional: ConditionalHeaders): Promise<FetchOutcome>;
}

/** Decodes (charset) and parses a feed body; throws FeedFetchError('not-a-feed') for anything else. */
export interface FeedParser {
  parse(body: Uint8Array, contentType: string | undefined, url: string): ParsedFeed | Promise<ParsedFeed>;
}

/** The main text of a linked page (Readability), under the same fetch rules and robots.txt; undefined when there is none. */
export interface FullTextFetcher {
  articleText(url: string): Promise<string | undefined>;
}

/** Where the planner hands due sources to the pollers (SQS in AWS). */
export interface FeedPollQueue {
  enqueue(sourceIds: readonly string[]): Promise<void>;
}
