/** Articles and ingest keys. Timestamps are ISO-8601 strings in UTC so they survive JSON and DynamoDB unchanged. */

export interface Article {
  /** sha256 hex of the canonical URL, or of source + normalised title + body when there is no URL. */
  id: string;
  title: string;
  /** Plain text (HTML already reduced); paragraphs separated by blank lines. May be empty. */
  text: string;
  source: string;
  url?: string;
  publishedAt?: string;
  topics: string[];
  language?: string;
  imageUrl?: string;
  ingestedAt: string;
  /** True when the text was cut to fit the DynamoDB item limit. */
  truncated?: boolean;
  /** When it was withdrawn: no edition shows it from then on, until a restore. */
  withdrawnAt?: string;
  /** When a withdrawn article was last restored (its ingestedAt moved there, so later editions take it). */
  restoredAt?: string;
  /**
   * Who posted it: `key:<key hash>` or `source:<source id>`. Part of the id, so each publisher
   * dedupes only against itself; absent on articles stored before publishers were recorded.
   */
  publisher?: string;
}

/** Who posts an article: a key or a feed source. */
export interface Publisher {
  /** `key:<key hash>` or `source:<source id>`. */
  id: string;
  /** When the key or source was made: articles stored before publishers were recorded dedupe only against publishers that existed then. */
  since: string;
}

/** What a key may do: `admin` allows everything. */
export type ApiKeyScope = 'ingest' | 'sources' | 'takedown' | 'admin';

export interface ApiKey {
  /** sha256 hex of the key; the key itself is never stored. */
  hash: string;
  name: string;
  createdAt: string;
  disabled: boolean;
  /** ISO instant from which the key is refused; absent for a key that never expires. */
  expiresAt?: string;
  /** Requests allowed per minute; absent on keys made before limits, which stay unlimited. */
  requestsPerMinute?: number;
  /** What the key may do; absent on keys made before scopes, which keep every scope until replaced. */
  scopes?: ApiKeyScope[];
  /** The `npm start` dev key (API_KEY or the generated one): retired when the setting changes. */
  dev?: true;
}

/** One topic as the catalogue keeps it. */
export interface CatalogueTopic {
  /** The case-folded key articles and readers store (core/shared/topics.ts). */
  key: string;
  /** The spelling first seen, for pages. */
  label: string;
  /** Articles stored with this topic (at least 1). */
  count: number;
  /** ISO time of the last batch that carried it. */
  lastSeen: string;
}

/** One topic in one ingested batch. */
export interface TopicSighting {
  key: string;
  label: string;
  /** Articles of the batch newly stored with it; 0 when only duplicates carried it. */
  articles: number;
}
