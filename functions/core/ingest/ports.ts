/** What ingest needs from storage. */

import type { ApiKey, Article, CatalogueTopic, TopicSighting } from './types.ts';

export interface ArticleStore {
  /** Stores the article unless one with the same id exists (a conditional write, so concurrent ingests agree). */
  putIfAbsent(article: Article): Promise<'created' | 'duplicate'>;
  /** The article as stored, withdrawn or not; undefined when there is none. */
  get(id: string): Promise<Article | undefined>;
  /** Articles with since < ingestedAt <= cutoff, oldest first; withdrawn ones are left out. */
  listIngested(since: string, cutoff: string): AsyncIterable<Article>;
  /**
   * Marks the article withdrawn at `at` (kept from the first call when repeated); the item and
   * its text stay (until the article TTL), so a re-post is a duplicate rather than a comeback and
   * a restore brings it back whole. The article as stored, or undefined when there is none.
   */
  withdraw(id: string, at: string): Promise<Article | undefined>;
  /**
   * Undoes a withdrawal at `at`: clears withdrawnAt and moves ingestedAt (and the ingest-day
   * listing) to `at`, so the next editions take it. The article as stored, or undefined when there is none.
   */
  restore(id: string, at: string): Promise<Article | undefined>;
}

export interface ApiKeyStore {
  get(hash: string): Promise<ApiKey | undefined>;
  put(key: ApiKey): Promise<void>;
  /** Every key record, for the operator's `digest keys list` and `revoke`. */
  list(): AsyncIterable<ApiKey>;
}

/**
 * The topics seen in ingested articles: what the preference centre offers. A store keeps what
 * `mergeTopicCatalogue` keeps (at most CATALOGUE_LIMIT topics) and applies concurrent records
 * without losing one (a conditional write, retried).
 */
/** Fixed-window request counters shared by every instance (the same shape as the subscribers' RateLimiter). */
export interface RequestLimiter {
  /** Counts one hit on `key`; false (and nothing counted) when the current window already holds `limit`. */
  hit(key: string, limit: number, windowSeconds: number, now: Date): Promise<boolean>;
}

export interface TopicCatalogue {
  /** Adds one batch's topics, seen at `at` (ISO). */
  record(sightings: readonly TopicSighting[], at: string): Promise<void>;
  /** Every topic kept, by key. */
  list(): Promise<CatalogueTopic[]>;
}
