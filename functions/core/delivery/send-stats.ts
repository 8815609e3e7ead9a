/** What `digest status` counts per edition. */
import type { DeliverOutcome } from './types.ts';

export const SEND_COUNT_NAMES = ['sent', 'skipped', 'failed', 'deferred', 'bounced', 'complained'] as const;
export type SendCountName = (typeof SEND_COUNT_NAMES)[number];
export type SendCounts = Record<SendCountName, number>;

export function zeroCounts(): SendCounts {
  return { sent: 0, skipped: 0, failed: 0, deferred: 0, bounced: 0, complained: 0 };
}

/**
 * A duplicate is the ledger dropping a repeat, counted nowhere, and so is a chunk another run's
 * sender is finishing (it counts it), so the counts add up to recipients once the edition is
 * done; readers who left, moved or had today's digest are skipped; an address SES refused failed.
 */
export function countNameFor(outcome: DeliverOutcome): SendCountName | undefined {
  switch (outcome) {
    case 'sent':
      return 'sent';
    case 'duplicate':
    case 'sending-elsewhere':
      return undefined;
    case 'rejected':
      return 'failed';
    case 'not-subscribed':
    case 'already-served-today':
    case 'moved':
    case 'earlier-day':
      return 'skipped';
  }
}

/** Seconds from `now` to the top of the next hour, plus a spread so deferred jobs do not all return at once. */
export function secondsToNextHour(now: Date, spreadSeconds: number): number {
  const msIntoHour = now.getTime() % 3_600_000;
  return Math.ceil((3_600_000 - msIntoHour) / 1000) + spreadSeconds;
}
