/** What the subscriber use cases need from the outside world. */

import type { Subscriber, SubscriberStatus, TimeSlot } from './types.ts';

export interface SubscriberStore {
  get(email: string): Promise<Subscriber | undefined>;
  /**
   * Writes the record; keeps the sparse due-slot index in step with status, zone and hour. The
   * watermark (lastDigestCutoff, lastEditionId) is only taken for a new record: after that only
   * recordDigest moves it, so a put from a stale read cannot roll it back.
   */
  put(subscriber: Subscriber): Promise<void>;
  /**
   * put(), only while the stored reader's status is `expected` (undefined: no record yet); false,
   * writing nothing, otherwise. One conditional write, so of concurrent moves out of one state
   * exactly one wins: a confirmation link posted twice at once confirms (and welcomes) once.
   */
  putIfStatus(subscriber: Subscriber, expected: SubscriberStatus | undefined): Promise<boolean>;
  /**
   * Claims the one confirmation email a pending reader may get per window: sets confirmSentAt to
   * `at` unless the reader is not pending or an email was claimed after `since`. One conditional
   * write, so however many requests race, one claim wins per window. put() never moves
   * confirmSentAt on an existing record; only this and releaseConfirmationEmail do.
   */
  claimConfirmationEmail(email: string, at: string, since: string): Promise<boolean>;
  /** Gives back the claim made at `at` (its email could not be sent), unless a later one replaced it. */
  releaseConfirmationEmail(email: string, at: string): Promise<void>;
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
  /**
   * Ends the reader's run of soft-bounced sends (a delivery): one conditional write that changes
   * nothing, and reads nothing, for the many readers with no run.
   */
  clearSoftBounces(email: string): Promise<void>;
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

/** The email a reader gets once confirmed: their manage link, and how to leave. */
export interface WelcomeView {
  preferencesUrl: string;
  unsubscribeUrl: string;
  publicUrl: string;
}

/** Asynchronous so an adapter may load its templates lazily. */
export interface ConfirmationRenderer {
  renderConfirmEmail(view: ConfirmView): Promise<RenderedEmail>;
  renderWelcomeEmail(view: WelcomeView): Promise<RenderedEmail>;
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

/** How a reader left through a digest's unsubscribe link: the RFC 8058 one-click POST, or the page's button. */
export type UnsubscribeVia = 'one-click' | 'page';

/**
 * The per-send results an unsubscribe adds to (the send stats store, delivery capability): one
 * counter per way of leaving, on the send and edition the link was mailed in.
 */
export interface UnsubscribeCounter {
  addToSend(send: string, editionId: string, counts: { unsubscribedOneClick?: number; unsubscribedPage?: number }): Promise<void>;
}
