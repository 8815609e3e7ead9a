/** The subscribers capability's errors; the HTTP edge maps them (adapters/http/http.ts). */

/** A valid link for a reader whose record is gone (erased, or a pending sign-up that lapsed). */
export class SubscriberNotFoundError extends Error {
  override name = 'SubscriberNotFoundError';
}

/** One caller reached a rate limit; the message names no address, so it reveals nothing about readers. */
export class RateLimitExceededError extends Error {
  override name = 'RateLimitExceededError';
}
