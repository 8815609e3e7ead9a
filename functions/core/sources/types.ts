/** Feed sources and what a poll of one yields. Timestamps are ISO-8601 strings in UTC. */

/**
 * active: polled on schedule; paused: an operator stopped it; failing: its last poll failed and
 * it backs off; disabled: it failed for 7 days in a row and is polled no more until resumed.
 */
export type SourceState = 'active' | 'paused' | 'failing' | 'disabled';

export interface Source {
  /** The first 16 hex characters of the sha256 of the canonical feed URL: one source per feed. */
  id: string;
  url: string;
  /** The operator's name for it; without one, the feed's own title (feedTitle) is shown. */
  name?: string;
  /** The feed's title as last read. */
  feedTitle?: string;
  /** Added to every entry's own categories. */
  topics: string[];
  /** Fetch the linked page for entries that carry only a teaser. */
  fullText: boolean;
  state: SourceState;
  etag?: string;
  lastModified?: string;
  lastSuccessAt?: string;
  lastPolledAt?: string;
  lastError?: string;
  consecutiveFailures: number;
  /** When the current run of failures began; cleared by a success. */
  failingSince?: string;
  nextPollAt: string;
  createdAt: string;
}

/** One entry as the feed carries it: untrusted, every field optional, text possibly HTML. */
export interface FeedEntry {
  title?: string;
  /** Already resolved against the feed's base. */
  link?: string;
  guid?: string;
  /** The fullest body the entry has (content:encoded, Atom content, JSON content_html). */
  content?: string;
  /** The short form (description, Atom summary, JSON summary). */
  summary?: string;
  published?: string;
  categories: string[];
  language?: string;
  imageUrl?: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf' | 'json';
  title?: string;
  language?: string;
  entries: FeedEntry[];
}

/** A feed body as fetched: bytes, since the charset is the parser's to decide. */
export interface FetchedFeed {
  status: 'fetched';
  /** The URL after redirects: the base of relative links. */
  url: string;
  body: Uint8Array;
  contentType?: string;
  etag?: string;
  lastModified?: string;
}

export type FetchOutcome = FetchedFeed | { status: 'not-modified'; etag?: string; lastModified?: string };

export type PollStatus = 'ok' | 'not-modified' | 'error';

/** One line of `digest sources poll --json`, and what the poller logs. */
export interface PollReport {
  sourceId: string;
  url: string;
  status: PollStatus;
  created: number;
  duplicate: number;
  rejected: number;
  /** Items the store failed on; retried on the next poll, since their ids are stable. */
  failed: number;
  error?: string;
  /** Why entries were rejected, each named by its position and link or guid. */
  rejections: { entry: string; reasons: string[] }[];
}

/** Bounds on the sources an operator or a key may add. */
export interface SourceLimits {
  maxSources: number;
}
