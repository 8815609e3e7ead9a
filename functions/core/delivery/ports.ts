/** What sending needs from the outside world. */

import type { Delivery, DeliveryJob } from './types.ts';
import type { SendCounts } from './send-stats.ts';

export interface DeliveryStore {
  /**
   * Claims the (edition, reader) row with a conditional write. `duplicate` means another
   * sender already claimed or sent it; a `failed` row may be claimed again.
   */
  claim(job: DeliveryJob, at: string): Promise<'claimed' | 'duplicate'>;
  /**
   * Takes over a row still `claimed` since `staleClaimedAt` or earlier (its sender is gone), with
   * a conditional write on that claimedAt so only one later sender wins. `duplicate` otherwise.
   */
  reclaimStale(job: DeliveryJob, staleClaimedAt: string, at: string): Promise<'claimed' | 'duplicate'>;
  markSent(job: DeliveryJob, messageId: string, at: string): Promise<void>;
  /**
   * SES reported accepting `messageId` for this row: a claimed or failed row becomes sent, so a
   * sender that died (or timed out) after SES accepted is not followed by a second send. False
   * when the row is already sent, unknown, or changed meanwhile.
   */
  confirmSent(job: DeliveryJob, messageId: string, at: string): Promise<boolean>;
  markFailed(job: DeliveryJob, error: string, at: string): Promise<void>;
  get(job: DeliveryJob): Promise<Delivery | undefined>;
}

/** Per-edition send counters, for `digest status`; one small item per edition, bumped with ADD. */
export interface SendStatsStore {
  add(editionId: string, counts: Partial<SendCounts>): Promise<void>;
  get(editionId: string): Promise<SendCounts>;
  /** The sender found the account's daily SES quota used up; the operator sees the last time. */
  recordQuotaExhausted(at: string, detail: string): Promise<void>;
  lastQuotaExhausted(): Promise<{ at: string; detail: string } | undefined>;
}

/** Returns SQS jobs to the queue for later without counting as a failure of the job itself. */
export interface JobDeferral {
  defer(receipts: readonly QueuedJobReceipt[], seconds: number): Promise<void>;
}

export interface QueuedJobReceipt {
  queueArn: string;
  receiptHandle: string;
}
