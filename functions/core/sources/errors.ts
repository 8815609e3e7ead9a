/** The sources capability's errors; the HTTP edge maps them (adapters/http/http.ts). */

export type FeedFailureReason =
  | 'not-http'
  | 'blocked-address'
  | 'dns'
  | 'timeout'
  | 'too-large'
  | 'too-many-redirects'
  | 'http-status'
  | 'network'
  | 'robots'
  | 'not-a-feed';

/** A feed (or a page for its full text) could not be fetched or read; the reason says why, the message says it to a person. */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
  constructor(
    message: string,
    readonly reason: FeedFailureReason,
    /** From a 429 or 503's Retry-After: do not ask again before this many seconds. */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** No source has this id. */
export class SourceNotFoundError extends Error {
  override name = 'SourceNotFoundError';
}

/** Adding a source would pass the cap on sources (MAX_SOURCES). */
export class SourceLimitReachedError extends Error {
  override name = 'SourceLimitReachedError';
  constructor(
    readonly maxSources: number,
    options?: ErrorOptions,
  ) {
    super(
      `There are already ${maxSources} sources, the most this deployment allows (MAX_SOURCES); remove one or raise MAX_SOURCES.`,
      options,
    );
  }
}
