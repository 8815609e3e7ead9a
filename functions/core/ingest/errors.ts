/** The ingest capability's errors; the HTTP edge maps them (adapters/http/http.ts). */

/**
 * The publisher's key is missing, unknown or revoked. The message is the same for every
 * reason, so a caller cannot tell a revoked key from one that never existed.
 */
export class InvalidApiKeyError extends Error {
  override name = 'InvalidApiKeyError';
  constructor(
    message: string,
    readonly reason: 'missing' | 'unknown' | 'revoked' | 'expired',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** No article has this id (a takedown of something never ingested, or long expired). */
export class ArticleNotFoundError extends Error {
  override name = 'ArticleNotFoundError';
}

/** A key made more requests in the current minute than its limit; retry once the minute ends. */
export class ApiKeyRateLimitedError extends Error {
  override name = 'ApiKeyRateLimitedError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The key is valid but its scopes do not allow this route (or this article). */
export class MissingScopeError extends Error {
  override name = 'MissingScopeError';
  constructor(
    readonly scope: string,
    detail = '',
    options?: ErrorOptions,
  ) {
    super(`This x-api-key lacks the "${scope}" scope${detail}`, options);
  }
}
