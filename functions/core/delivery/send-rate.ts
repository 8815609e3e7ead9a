/**
 * How fast one sender may call SES: the account's rate, less a little headroom, shared evenly by
 * every sender that can run at once. The senders do not talk to each other, so the split is
 * static: it needs the fleet's maximum concurrency, the same figure the queue's event source uses.
 */

/** What SES v2 GetAccount reports as the account's SendQuota. */
export interface SendQuota {
  /** Messages per second the account may send. */
  maxSendRate: number;
  /** Messages per rolling 24 hours; negative means unlimited. */
  max24HourSend: number;
  sentLast24Hours: number;
}

export interface SendFleet {
  /** Senders (Lambda containers) that can run at once: the event source's maxConcurrency. Jobs inside one share its bucket. */
  senders: number;
  /** Fraction of the account rate to use, e.g. 0.97: SES counts per second from its own clock, ours drifts. */
  headroom: number;
}

export function perSenderRate(quota: SendQuota, fleet: SendFleet): number {
  return (quota.maxSendRate * fleet.headroom) / Math.max(1, fleet.senders);
}

/** Messages left in the rolling day; Infinity when the account has no daily cap. */
export function dailySendsLeft(quota: SendQuota, sentSinceQuotaRead: number): number {
  if (quota.max24HourSend < 0) return Number.POSITIVE_INFINITY;
  return Math.max(0, quota.max24HourSend - quota.sentLast24Hours - sentSinceQuotaRead);
}

/**
 * "Full jitter" backoff (AWS Architecture Blog, Exponential Backoff and Jitter): a uniform wait in
 * [0, min(cap, base x 2^attempt)). SES sends no Retry-After, and senders throttled together must
 * not retry together.
 */
export function fullJitterDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  return random() * Math.min(capMs, baseMs * 2 ** attempt);
}
