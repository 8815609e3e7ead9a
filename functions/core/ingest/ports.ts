/** What ingest needs from storage. */

import type { ApiKey, Article } from './types.ts';

export interface ArticleStore {
  /** Stores the article unless one with the same id exists (a conditional write, so concurrent ingests agree). */
  putIfAbsent(article: Article): Promise<'created' | 'duplicate'>;
  /** Articles with since < ingestedAt <= cutoff, oldest first. */
  listIngested(since: string, cutoff: string): AsyncIterable<Article>;
}

export interface ApiKeyStore {
  get(hash: string): Promise<ApiKey | undefined>;
  put(key: ApiKey): Promise<void>;
  /** Every key record, for the operator's `digest keys list` and `revoke`. */
  list(): AsyncIterable<ApiKey>;
}

/** The topics seen in ingested articles: what the preference centre offers. */
export interface TopicCatalogue {
  add(topics: readonly string[]): Promise<void>;
  list(): Promise<string[]>;
}
