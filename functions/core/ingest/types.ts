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
}

export interface ApiKey {
  /** sha256 hex of the key; the key itself is never stored. */
  hash: string;
  name: string;
  createdAt: string;
  disabled: boolean;
}
