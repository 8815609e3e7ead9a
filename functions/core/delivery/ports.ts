/** What sending needs from the outside world. */

import type { Subscriber } from '../subscribers/index.ts';
import type { ChunkRef, Delivery, DeliveryChunk, SendId, SendRecord, Settlement, SlotDay, Watermark } from './types.ts';
import type { SendCounts } from './send-stats.ts';
import type { CountedClick, CountedOpen, EditionResults, SendResultCounts } from './send-results.ts';

export type ClaimResult =
  | { result: 'claimed'; chunk: DeliveryChunk & { claimedAt: string } }
  | { result: 'done' }
  | { result: 'held'; chunk: DeliveryChunk }
  /** The chunk's send was paused or cancelled: its job is acknowledged without sending. */
  | { result: 'stopped'; state: 'paused' | 'cancelled' };

/** What a sender records of a claimed chunk (DeliveryLedger.recordResults). */
export interface ChunkResults {
  sent: Record<string, string>;
  rejected: Record<string, string>;
  finished: boolean;
  error?: string;
  /** Unfinished because its send was paused or cancelled (the sender saw it): released into that state, not open. */
  stopAs?: 'paused' | 'cancelled';
}

export type SlotDayLock = 'acquired' | 'resumed' | 'taken-over' | 'reopened' | 'taken';

/** The planner's slot-day locks: one run plans a slot-day's readers at a time. */
export interface SlotDayLocks {
  /**
   * Takes the slot-day for plan run `owner` with a conditional write. `acquired` when it was
   * free, `resumed` when `owner` already held it (a retried run), `taken-over` when its owner
   * neither completed it nor renewed it since `staleBefore` (that run died part-way), `reopened`
   * when its owner completed it (the new owner plans only readers in none of its live chunks: late
   * readers), `taken` when another run holds it now. One of several runs wins each transition.
   */
  lockSlotDay(slotDay: SlotDay, owner: string, at: string, staleBefore: string): Promise<SlotDayLock>;
  /** Renews `owner`'s hold on the slot-day; false when another run has taken it over. */
  renewSlotDay(slotDay: SlotDay, owner: string, at: string): Promise<boolean>;
  /** Marks the slot-day planned in full by `owner`: no run is planning it, and a later run may reopen it for late readers. */
  completeSlotDay(slotDay: SlotDay, owner: string, at: string): Promise<void>;
}

/** Each send (one planning run) and its state: running, complete, paused or cancelled. */
export interface SendRecords {
  /** Records a send as its run starts; a retried run (same send id) keeps the record it finds. */
  startSend(record: SendRecord): Promise<void>;
  /** The send's run planned every reader it found, for these editions. */
  completeSend(send: SendId, editions: readonly string[], at: string): Promise<void>;
  sendRecord(send: SendId): Promise<SendRecord | undefined>;
  /** The latest sends first, at most `limit`: what `digest sends list` shows. */
  recentSends(limit: number): Promise<SendRecord[]>;
  /**
   * Pauses the send: its open chunks become paused; a claimed one finishes the attempt its sender
   * is making and is paused after (stopAs). Returns how many chunks it paused now.
   */
  pauseSend(send: SendId): Promise<number>;
  /** Opens the send's paused chunks again and returns them, for the caller to enqueue. */
  resumeSend(send: SendId): Promise<DeliveryChunk[]>;
  /** Cancels the send's open and paused chunks (claimed ones after their attempt): they are never sent. Returns how many now. */
  cancelSend(send: SendId): Promise<number>;
}

/** The chunks of each slot-day, claimed by senders and settled by SES's events. */
export interface ChunkLedger {
  /** Stores new chunks (ids unique to their run) in batches. */
  addChunks(chunks: readonly DeliveryChunk[]): Promise<void>;
  /** Every chunk of a slot-day, whatever its state. */
  chunksOf(slotDay: SlotDay): Promise<DeliveryChunk[]>;
  /** Chunks open, claimed or paused, of every slot-day: what a restarted local stack settles, and a resume finds. */
  openChunks(): Promise<DeliveryChunk[]>;
  /**
   * Claims an open chunk, or takes over one claimed at or before `staleBefore` (its sender is
   * gone). `held` when another sender's claim is fresh, `stopped` when its send is paused or
   * cancelled, `done` when nothing is left to send.
   */
  claimChunk(ref: ChunkRef, at: string, staleBefore: string): Promise<ClaimResult>;
  /**
   * Records what SES made of the claimed chunk's recipients, in one conditional write on the
   * claim: sent when `finished`, else released for another attempt (open, or paused or cancelled
   * when its send was meanwhile: see DeliveryChunk.stopAs). False when the
   * claim was taken over meanwhile (what it records is then added anyway).
   */
  recordResults(ref: ChunkRef, claimedAt: string, results: ChunkResults): Promise<boolean>;
  /** Marks recipients sent whatever the chunk's state (SES's Send event, a settled local claim). */
  confirmSent(ref: ChunkRef, sent: Record<string, string>): Promise<void>;
  /** Ends a claim whose sender is known to be dead: open again, or its send's state if that was paused or cancelled meanwhile. */
  release(ref: ChunkRef): Promise<void>;
}

/** Each reader's watermark (the last digest they had) and the delivery records beside it. */
export interface Watermarks {
  /** Readers and their watermarks, in one batched read. */
  recipients(emails: readonly string[]): Promise<Map<string, { subscriber?: Subscriber; watermark?: Watermark }>>;
  watermarks(emails: readonly string[]): Promise<Map<string, Watermark>>;
  /** The watermarks and delivery records of what was just sent, in batches. */
  recordDeliveries(watermarks: readonly Watermark[], deliveries: readonly Delivery[]): Promise<void>;
}

/** What only the local stack needs on restart: its dead runs' locks ended, and what its inbox settled. */
export interface LocalSettlement {
  /**
   * Ends the lease of every slot-day lock not completed, so the next run takes each over at once:
   * for a restarted local stack, whose runs died with its old process. Returns how many.
   */
  abandonOpenSlotDays(): Promise<number>;
  recordSettlement(settlement: Settlement): Promise<void>;
  lastSettlement(): Promise<Settlement | undefined>;
}

/**
 * The delivery ledger: slot-day locks, the chunks under them, and each reader's watermark. Every
 * transition is a conditional write on one item (dynalite has no transactions); only the
 * watermarks and delivery records are blind batch writes, of items nothing else writes.
 */
export interface DeliveryLedger extends SlotDayLocks, SendRecords, ChunkLedger, Watermarks, LocalSettlement {}

/**
 * Send counters, bumped with atomic adds: per edition for `digest status` (one small item per
 * edition), and per send and edition for `digest sends stats` (one small item per pair).
 */
export interface SendStatsStore {
  add(editionId: string, counts: Partial<SendCounts>): Promise<void>;
  get(editionId: string): Promise<SendCounts>;
  /** Adds to one send's counters for one of its editions; zero and negative values are skipped. */
  addToSend(send: SendId, editionId: string, counts: Partial<SendResultCounts>): Promise<void>;
  /** A counted click: the story's and the send's totals, and the unique ones when `unique`. */
  addClick(click: CountedClick): Promise<void>;
  /** A counted open (OPEN_TRACKING=on). */
  addOpen(open: CountedOpen): Promise<void>;
  /** One send's counters, per edition it has any for. */
  sendResults(send: SendId): Promise<EditionResults[]>;
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

/** One templated message for many recipients (SES v2 SendBulkEmail with inline content). */
export interface BulkMessage {
  from: string;
  /** Sources with simple `{{name}}` tags only. */
  template: { subject: string; html: string; text: string };
  /** JSON of the data every recipient shares. */
  defaultDataJson: string;
  tags: { name: string; value: string }[];
  recipients: BulkRecipient[];
  /**
   * Asked before each SES call after the first: false stops the message there, and its recipients
   * not yet sent come back `stopped` (the send was paused or cancelled meanwhile).
   */
  keepSending?: () => Promise<boolean>;
}

export interface BulkRecipient {
  to: string;
  /** JSON of this recipient's replacement data. */
  dataJson: string;
  headers: { name: string; value: string }[];
}

export type BulkRecipientResult =
  | { to: string; status: 'sent'; messageId: string }
  /** Refused for this address alone: recorded, never retried. */
  | { to: string; status: 'rejected'; reason: string }
  /** Not sent for the account's daily quota: comes back in the next hour. */
  | { to: string; status: 'deferred'; reason: string }
  /** Not sent for a reason that may pass: throttling or a transient error (`retryable`, tried again at once), or an account-level refusal. */
  | { to: string; status: 'failed'; reason: string; retryable?: boolean }
  /** Not sent: the message's send was paused or cancelled before this recipient's call (BulkMessage.keepSending). */
  | { to: string; status: 'stopped' };

/** Tokens of the sender's rate held for a send still being prepared. */
export interface SendReservation {
  /** Gives back the tokens not used by a send; a no-op once they are. */
  release(): void;
}

export interface BulkMailer {
  /**
   * One result per recipient, in order; throws only when nothing was attempted. A reservation
   * from `reserve` pays for the first call (as far as it goes) and is released afterwards.
   */
  sendBulk(message: BulkMessage, reservation?: SendReservation): Promise<BulkRecipientResult[]>;
  /**
   * Holds tokens for `count` recipients now, so the reads that prepare a send overlap its wait
   * for the rate instead of adding to it. Undefined when there is nothing to hold (the daily
   * quota is used up: sendBulk then defers).
   */
  reserve?(count: number): Promise<SendReservation | undefined>;
}
