/**
 * The capabilities core needs from the outside world. Core receives these as arguments;
 * adapters/ implements them for AWS (and its local emulators), tests implement small fakes.
 */
import type {
  ApiKey,
  Article,
  Delivery,
  DeliveryJob,
  Edition,
  EditionStatus,
  OutgoingEmail,
  Story,
  Subscriber,
} from './core/types.ts';
import type { SendQuota } from './core/send-rate.ts';
import type { SendCounts } from './core/send-stats.ts';

export interface Clock {
  now(): Date;
}

export interface ArticleStore {
  /** Stores the article unless one with the same id exists (a conditional write, so concurrent ingests agree). */
  putIfAbsent(article: Article): Promise<'created' | 'duplicate'>;
  /** Articles with since < ingestedAt <= cutoff, oldest first. */
  listIngested(since: string, cutoff: string): AsyncIterable<Article>;
}

export interface TimeSlot {
  timezone: string;
  hour: number;
}

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

export interface EditionStore {
  get(id: string): Promise<Edition | undefined>;
  /** Creates the edition unless it exists; returns the stored one either way, so two planners share one edition. */
  createIfAbsent(edition: Edition): Promise<{ edition: Edition; created: boolean }>;
  setStatus(id: string, status: EditionStatus, recipients: number): Promise<void>;
  listRecent(limit: number): Promise<Edition[]>;
}

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

export interface ApiKeyStore {
  get(hash: string): Promise<ApiKey | undefined>;
  put(key: ApiKey): Promise<void>;
  /** Every key record, for the operator's `digest keys list` and `revoke`. */
  list(): AsyncIterable<ApiKey>;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

/** The account's send quota (SES v2 GetAccount), cached by the adapter. */
export interface SendQuotaSource {
  get(): Promise<SendQuota>;
}

export interface Queue {
  enqueue(jobs: readonly DeliveryJob[]): Promise<void>;
}

/** Placeholder strings the renderer puts where personal links go; replaced per recipient. */
export interface PersonalLinkSlots {
  unsubscribeUrl: string;
  preferencesUrl: string;
}

/**
 * Placeholders for times shown in the reader's zone. The edition is rendered once for every
 * reader, so each story time is `${timePrefix}<unix seconds>__`, filled in per recipient.
 */
export interface LocalTimeSlots {
  timePrefix: string;
  /** Where the reader's zone name goes ("times in Europe/London"). */
  zone: string;
}

export interface DigestView {
  subject: string;
  preheader: string;
  /** Human date of the edition, e.g. "Thursday 26 November 2026". */
  dateLabel: string;
  stories: Story[];
  webUrl: string;
  links: PersonalLinkSlots;
  /** Stories past the email's limit: the email says "and K more" and links to the web edition. */
  moreCount?: number;
  /** Without these, times are shown in UTC. */
  localTimes?: LocalTimeSlots;
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
export interface Renderer {
  renderDigest(view: DigestView): Promise<{ html: string; text: string }>;
  renderConfirmEmail(view: ConfirmView): Promise<RenderedEmail>;
}

/** Fixed-window counters shared by every instance, so a limit holds across Lambdas. */
export interface RateLimiter {
  /** Counts one hit on `key`; false (and nothing counted) when the current window already holds `limit`. */
  hit(key: string, limit: number, windowSeconds: number, now: Date): Promise<boolean>;
}

/** Everything stored about one reader, for "download my data" and "delete my data". */
export interface PersonalDataStore {
  /** The reader's rows in the send ledger, any edition. */
  deliveriesTo(email: string): AsyncIterable<Delivery>;
  /**
   * Deletes the subscriber and their delivery rows and records only a hash of the address, so
   * an import cannot bring them back by mistake. Returns how many delivery rows went.
   */
  erase(email: string, at: string): Promise<{ deliveries: number }>;
  /** Whether the address was erased at its owner's request (and has not subscribed again since). */
  isErased(email: string): Promise<boolean>;
  /** Drops the erasure mark: the reader confirmed a new subscription themselves. */
  clearErasure(email: string): Promise<void>;
}

/** The topics seen in ingested articles: what the preference centre offers. */
export interface TopicCatalogue {
  add(topics: readonly string[]): Promise<void>;
  list(): Promise<string[]>;
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
