/** Readers. Timestamps are ISO-8601 strings in UTC so they survive JSON and DynamoDB unchanged. */

/**
 * `soft-bounced`: SES reported transient bounces (not auto-replies) for this reader on
 * SOFT_BOUNCE_SENDS sends in a row; no longer mailed, but free to subscribe again (unlike bounced
 * and complained addresses, which are never mailed again).
 */
export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed' | 'bounced' | 'complained' | 'soft-bounced';

/** Every status, for schemas and listings. */
export const SUBSCRIBER_STATUSES = [
  'pending',
  'confirmed',
  'unsubscribed',
  'bounced',
  'complained',
  'soft-bounced',
] as const satisfies readonly SubscriberStatus[];

export interface Consent {
  at: string;
  /** Where consent was given when not on our form, e.g. an operator's import that vouches for it. */
  source?: string;
  ip?: string;
  userAgent?: string;
}

export interface Subscriber {
  /** Lower-cased address; the identity of a subscriber. */
  email: string;
  status: SubscriberStatus;
  /** Canonical IANA zone name. */
  timezone: string;
  /** Local hour 0-23 at which the digest goes out. */
  sendHour: number;
  topics: string[];
  createdAt: string;
  updatedAt: string;
  consent?: Consent;
  confirmedAt?: string;
  unsubscribedAt?: string;
  /** When the last confirmation email went out; throttles repeat sends. */
  confirmSentAt?: string;
  /** Cutoff of the last edition this reader received: the watermark for "new since". */
  lastDigestCutoff?: string;
  lastEditionId?: string;
  /** How often the digest comes; absent means daily (records from before the preference centre). */
  frequency?: DigestFrequency;
  /** Weekly readers' day, ISO numbering: 1 Monday ... 7 Sunday. */
  weeklyDay?: number;
  /** Local date (yyyy-mm-dd) of the first digest after a pause; none before it. */
  pausedUntil?: string;
  /** Bumped when the reader signs out of old links; manage links carry it. Absent means 0. */
  tokenVersion?: number;
  /**
   * The reader's run of sends that soft-bounced: the last such send and how many in a row. A
   * delivery clears it. All that list hygiene keeps per reader; no item per bounce.
   */
  softBounces?: { send: string; count: number };
}

export type DigestFrequency = 'daily' | 'weekly';

/** A send slot: readers in this zone whose local send hour is this one. */
export interface TimeSlot {
  timezone: string;
  hour: number;
}
