/** What the subscriber use cases need from the outside world. */

import type { Subscriber, TimeSlot } from './types.ts';

export interface SubscriberStore {
  get(email: string): Promise<Subscriber | undefined>;
  /**
   * Writes the record; keeps the sparse due-slot index in step with status, zone and hour. The
   * watermark (lastDigestCutoff, lastEditionId) is only taken for a new record: after that only
   * recordDigest moves it, so a put from a stale read cannot roll it back.
   */
  put(subscriber: Subscriber): Promise<void>;
  /** Confirmed readers whose (zone, local send hour) is one of the given slots, read from the slot index. */
  listDue(slots: readonly TimeSlot[]): AsyncIterable<Subscriber>;
  /** Every confirmed reader, whatever their hour. */
  listConfirmed(): AsyncIterable<Subscriber>;
  /**
   * The zones confirmed readers use, spelled as stored. The hourly run visits only these: a few
   * dozen queries instead of one per zone on Earth, and immune to a runtime renaming a zone.
   */
  listTimeZones(): Promise<string[]>;
  /** Moves the reader's watermark forward to `cutoff`; never backwards. */
  recordDigest(email: string, editionId: string, cutoff: string): Promise<void>;
}

/** Fixed-window counters shared by every instance, so a limit holds across Lambdas. */
export interface RateLimiter {
  /** Counts one hit on `key`; false (and nothing counted) when the current window already holds `limit`. */
  hit(key: string, limit: number, windowSeconds: number, now: Date): Promise<boolean>;
}

export interface ConfirmView {
  confirmUrl: string;
  publicUrl: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Asynchronous so an adapter may load its templates lazily. */
export interface ConfirmationRenderer {
  renderConfirmEmail(view: ConfirmView): Promise<RenderedEmail>;
}

/**
 * Addresses erased at their owner's request: only a hash of each is kept, so neither a new
 * subscription nor an import brings a reader back by mistake.
 */
export interface ErasedAddresses {
  /** Whether the address was erased at its owner's request (and has not subscribed again since). */
  isErased(email: string): Promise<boolean>;
  /** Drops the erasure mark: the reader confirmed a new subscription themselves. */
  clearErasure(email: string): Promise<void>;
}
