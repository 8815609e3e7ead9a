/**
 * In-memory implementations of every port, for unit tests of core. Each keeps to the contract
 * documented in functions/ports.ts (and to what the DynamoDB adapters do), and hands out copies,
 * so a use-case that mutates a record it read cannot pass by accident.
 */
import { createHash } from 'node:crypto';
import { EditionNotFoundError } from '../../functions/core/edition/errors.ts';
import type { Settings } from '../../functions/core/shared/settings.ts';
import type { ApiKey, Article } from '../../functions/core/ingest/types.ts';
import type { Delivery, DeliveryJob } from '../../functions/core/delivery/types.ts';
import type { Edition, EditionStatus } from '../../functions/core/edition/types.ts';
import type { Mailer, OutgoingEmail } from '../../functions/core/shared/mail.ts';
import type { Subscriber, TimeSlot } from '../../functions/core/subscribers/types.ts';
import type { ApiKeyStore, ArticleStore, TopicCatalogue } from '../../functions/core/ingest/ports.ts';
import type { Clock } from '../../functions/core/shared/clock.ts';
import type { ConfirmView, RateLimiter, RenderedEmail, ConfirmationRenderer, SubscriberStore } from '../../functions/core/subscribers/ports.ts';
import type { DeliveryStore, SendStatsStore } from '../../functions/core/delivery/ports.ts';
import type { DigestRenderer, DigestView, EditionStore } from '../../functions/core/edition/ports.ts';
import type { PersonalDataStore } from '../../functions/core/privacy/ports.ts';
import type { Queue } from '../../functions/core/planning/ports.ts';
import { zeroCounts, type SendCounts } from '../../functions/core/delivery/send-stats.ts';

const copy = <T>(value: T): T => structuredClone(value);

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    publicUrl: 'https://digest.example',
    mailFrom: 'The Daily Digest <digest@digest.example>',
    tokenSecret: 'unit-test-secret-0123456789abcdef',
    digestName: 'The Daily Digest',
    maxStories: 10,
    ...overrides,
  };
}

export class FakeClock implements Clock {
  #ms: number;

  constructor(start: string | Date = '2026-11-26T07:05:00.000Z') {
    this.#ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  set(instant: string | Date): void {
    this.#ms = new Date(instant).getTime();
  }

  advance(ms: number): void {
    this.#ms += ms;
  }
}

export class MemoryArticleStore implements ArticleStore {
  readonly #items = new Map<string, Article>();

  async putIfAbsent(article: Article): Promise<'created' | 'duplicate'> {
    if (this.#items.has(article.id)) return 'duplicate';
    this.#items.set(article.id, copy(article));
    return 'created';
  }

  async *listIngested(since: string, cutoff: string): AsyncIterable<Article> {
    const from = Date.parse(since);
    const to = Date.parse(cutoff);
    const matching = [...this.#items.values()]
      .filter((a) => Date.parse(a.ingestedAt) > from && Date.parse(a.ingestedAt) <= to)
      .sort((a, b) => Date.parse(a.ingestedAt) - Date.parse(b.ingestedAt) || a.id.localeCompare(b.id));
    for (const article of matching) yield copy(article);
  }

  get(id: string): Article | undefined {
    const article = this.#items.get(id);
    return article && copy(article);
  }

  all(): Article[] {
    return [...this.#items.values()].map(copy);
  }
}

export class MemorySubscriberStore implements SubscriberStore {
  readonly #items = new Map<string, Subscriber>();

  async get(email: string): Promise<Subscriber | undefined> {
    const found = this.#items.get(email.toLowerCase());
    return found && copy(found);
  }

  async put(subscriber: Subscriber): Promise<void> {
    const existing = this.#items.get(subscriber.email.toLowerCase());
    const watermark = existing?.lastDigestCutoff
      ? { lastDigestCutoff: existing.lastDigestCutoff, lastEditionId: existing.lastEditionId }
      : {};
    this.#items.set(subscriber.email.toLowerCase(), copy({ ...subscriber, ...watermark }));
  }

  async listTimeZones(): Promise<string[]> {
    const zones = [...this.#items.values()].filter((r) => r.status === 'confirmed').map((r) => r.timezone);
    return [...new Set(zones)].sort();
  }

  async *listDue(slots: readonly TimeSlot[]): AsyncIterable<Subscriber> {
    for (const reader of [...this.#items.values()]) {
      const due = slots.some((slot) => slot.timezone === reader.timezone && slot.hour === reader.sendHour);
      if (reader.status === 'confirmed' && due) yield copy(reader);
    }
  }

  async *listConfirmed(): AsyncIterable<Subscriber> {
    for (const reader of [...this.#items.values()]) {
      if (reader.status === 'confirmed') yield copy(reader);
    }
  }

  async recordDigest(email: string, editionId: string, cutoff: string): Promise<void> {
    const reader = this.#items.get(email.toLowerCase());
    if (!reader) return;
    if (reader.lastDigestCutoff !== undefined && Date.parse(reader.lastDigestCutoff) >= Date.parse(cutoff)) return;
    this.#items.set(email.toLowerCase(), { ...reader, lastDigestCutoff: cutoff, lastEditionId: editionId });
  }

  /** Synchronous read for assertions. */
  peek(email: string): Subscriber | undefined {
    const found = this.#items.get(email.toLowerCase());
    return found && copy(found);
  }

  size(): number {
    return this.#items.size;
  }

  /** What erasing does to the table's subscriber item. */
  remove(email: string): void {
    this.#items.delete(email.toLowerCase());
  }
}

export class MemoryEditionStore implements EditionStore {
  readonly #items = new Map<string, Edition>();
  /** Calls to get(), so tests can see caching. */
  reads = 0;

  async get(id: string): Promise<Edition | undefined> {
    this.reads += 1;
    const found = this.#items.get(id);
    return found && copy(found);
  }

  async createIfAbsent(edition: Edition): Promise<{ edition: Edition; created: boolean }> {
    const existing = this.#items.get(edition.id);
    if (existing) return { edition: copy(existing), created: false };
    this.#items.set(edition.id, copy(edition));
    return { edition: copy(edition), created: true };
  }

  async setStatus(id: string, status: EditionStatus, recipients: number): Promise<void> {
    const existing = this.#items.get(id);
    if (!existing) throw new EditionNotFoundError(`no edition ${id}`);
    this.#items.set(id, { ...existing, status, recipients });
  }

  async listRecent(limit: number): Promise<Edition[]> {
    return [...this.#items.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
      .slice(0, Math.max(0, limit))
      .map(copy);
  }

  all(): Edition[] {
    return [...this.#items.values()].map(copy);
  }
}

const deliveryKey = (job: DeliveryJob) => `${job.editionId}\n${job.email.toLowerCase()}`;

export class MemoryDeliveryStore implements DeliveryStore {
  readonly #rows = new Map<string, Delivery>();

  async claim(job: DeliveryJob, at: string): Promise<'claimed' | 'duplicate'> {
    // Check and set with no await between them: the in-memory twin of a conditional write.
    const key = deliveryKey(job);
    const existing = this.#rows.get(key);
    if (existing && existing.status !== 'failed') return 'duplicate';
    this.#rows.set(key, {
      editionId: job.editionId,
      email: job.email,
      status: 'claimed',
      claimedAt: at,
      attempts: (existing?.attempts ?? 0) + 1,
    });
    return 'claimed';
  }

  async reclaimStale(job: DeliveryJob, staleClaimedAt: string, at: string): Promise<'claimed' | 'duplicate'> {
    const key = deliveryKey(job);
    const existing = this.#rows.get(key);
    if (existing?.status !== 'claimed' || existing.claimedAt !== staleClaimedAt) return 'duplicate';
    this.#rows.set(key, { ...existing, claimedAt: at, attempts: existing.attempts + 1 });
    return 'claimed';
  }

  async markSent(job: DeliveryJob, messageId: string, at: string): Promise<void> {
    const key = deliveryKey(job);
    const row = this.#rows.get(key);
    if (row?.status === 'sent' && row.messageId === messageId) return;
    if (row?.status !== 'claimed') {
      throw new Error(`delivery of ${job.editionId} to ${job.email} is ${row?.status ?? 'unclaimed'}, not claimed`);
    }
    this.#rows.set(key, { ...row, status: 'sent', messageId, sentAt: at });
  }

  async confirmSent(job: DeliveryJob, messageId: string, at: string): Promise<boolean> {
    const key = deliveryKey(job);
    const row = this.#rows.get(key);
    if (row?.status !== 'claimed' && row?.status !== 'failed') return false;
    const { error: _error, ...rest } = row;
    this.#rows.set(key, { ...rest, status: 'sent', messageId, sentAt: at });
    return true;
  }

  async markFailed(job: DeliveryJob, error: string, _at: string): Promise<void> {
    const key = deliveryKey(job);
    const row = this.#rows.get(key);
    // Only a claimed row can fail, as in the DynamoDB store.
    if (row?.status !== 'claimed') return;
    this.#rows.set(key, { ...row, status: 'failed', error });
  }

  async get(job: DeliveryJob): Promise<Delivery | undefined> {
    const row = this.#rows.get(deliveryKey(job));
    return row && copy(row);
  }

  /** Removes one reader's rows, as erasing does; returns how many went. */
  removeFor(email: string): number {
    const keys = [...this.#rows.entries()].filter(([, row]) => row.email === email.toLowerCase()).map(([key]) => key);
    for (const key of keys) this.#rows.delete(key);
    return keys.length;
  }

  all(): Delivery[] {
    return [...this.#rows.values()].map(copy);
  }
}

export class MemoryApiKeyStore implements ApiKeyStore {
  readonly #items = new Map<string, ApiKey>();

  async get(hash: string): Promise<ApiKey | undefined> {
    const found = this.#items.get(hash);
    return found && copy(found);
  }

  async put(key: ApiKey): Promise<void> {
    this.#items.set(key.hash, copy(key));
  }

  async *list(): AsyncIterable<ApiKey> {
    for (const key of [...this.#items.values()]) yield copy(key);
  }

  all(): ApiKey[] {
    return [...this.#items.values()].map(copy);
  }
}

export class RecordingMailer implements Mailer {
  /** Emails the mailer accepted, in order. */
  readonly sent: OutgoingEmail[] = [];
  /** Every call, accepted or not. */
  attempts = 0;
  #failures: { remaining: number; error: unknown } = { remaining: 0, error: undefined };

  /** The next `times` sends throw `error` (a plain Error by default). */
  failNext(times: number, error: unknown = new Error('mailer unavailable')): void {
    this.#failures = { remaining: times, error };
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    this.attempts += 1;
    // Yield once, as a network call would, so concurrent callers interleave here.
    await Promise.resolve();
    if (this.#failures.remaining > 0) {
      this.#failures.remaining -= 1;
      throw this.#failures.error;
    }
    this.sent.push(copy(email));
    return { messageId: `fake-message-${this.sent.length}` };
  }

  sentTo(address: string): OutgoingEmail[] {
    return this.sent.filter((email) => email.to === address);
  }
}

export class MemoryQueue implements Queue {
  /** Each enqueue call, as it was made. */
  readonly batches: DeliveryJob[][] = [];

  async enqueue(jobs: readonly DeliveryJob[]): Promise<void> {
    this.batches.push(jobs.map(copy));
  }

  get jobs(): DeliveryJob[] {
    return this.batches.flat();
  }
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Deterministic stand-in for the MJML renderer: escapes every view value and puts the personal
 * link placeholders into href attributes (html) and bare lines (text), where the real one puts them.
 */
export class FakeRenderer implements DigestRenderer, ConfirmationRenderer {
  readonly digestViews: DigestView[] = [];
  readonly confirmViews: ConfirmView[] = [];

  async renderDigest(view: DigestView): Promise<{ html: string; text: string }> {
    this.digestViews.push(copy(view));
    const stories = view.stories.map(
      (story) =>
        `<article><h2>${escapeHtml(story.title)}</h2><p>${escapeHtml(story.summary.join(' '))}</p>` +
        `<p>${escapeHtml(story.source)}</p></article>`,
    );
    const html = [
      `<html><head><title>${escapeHtml(view.subject)}</title></head><body>`,
      `<div class="preheader">${escapeHtml(view.preheader)}</div>`,
      `<h1>${escapeHtml(view.dateLabel)}</h1>`,
      `<p>times in ${view.localTimes?.zone ?? 'UTC'}</p>`,
      ...stories,
      `<a href="${escapeHtml(view.webUrl)}">View in browser</a>`,
      `<a href="${view.links.preferencesUrl}">Preferences</a>`,
      `<a href="${view.links.unsubscribeUrl}">Unsubscribe</a>`,
      '</body></html>',
    ].join('\n');
    const text = [
      view.dateLabel,
      '',
      ...view.stories.flatMap((story) => [story.title, story.summary.join(' '), story.source, '']),
      `View in browser: ${view.webUrl}`,
      `Preferences: ${view.links.preferencesUrl}`,
      `Unsubscribe: ${view.links.unsubscribeUrl}`,
    ].join('\n');
    return { html, text };
  }

  async renderConfirmEmail(view: ConfirmView): Promise<RenderedEmail> {
    this.confirmViews.push(copy(view));
    return {
      subject: 'Confirm your subscription',
      html: `<p><a href="${escapeHtml(view.confirmUrl)}">Confirm</a></p><p>${escapeHtml(view.publicUrl)}</p>`,
      text: `Confirm your subscription: ${view.confirmUrl}\n${view.publicUrl}`,
    };
  }
}

let articleCounter = 0;

/** Made-up words unique to one article, so two default articles never read as one event to the merge. */
function distinctWords(seed: string): string {
  const letters = createHash('sha256')
    .update(seed)
    .digest('hex')
    .replace(/[0-9]/g, (digit) => 'ghijklmnop'[Number(digit)]!);
  return Array.from({ length: 8 }, (_, n) => letters.slice(n * 6, n * 6 + 6)).join(' ');
}

/** A stored article with a unique id; override what the test is about. */
export function anArticle(overrides: Partial<Article> = {}): Article {
  articleCounter += 1;
  const title = overrides.title ?? `Story number ${articleCounter}`;
  return {
    id: createHash('sha256').update(`article-${articleCounter}-${title}`).digest('hex'),
    title,
    text: `${title} happened today. Officials named ${distinctWords(`a${articleCounter}`)}. More about ${distinctWords(`b${articleCounter}`)}.`,
    source: 'Example Times',
    url: `https://news.example/stories/${articleCounter}`,
    topics: ['world'],
    ingestedAt: '2026-11-26T06:00:00.000Z',
    ...overrides,
  };
}

/** A confirmed reader at 07:00 London time unless overridden. */
export function aSubscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    email: 'reader@example.com',
    status: 'confirmed',
    timezone: 'Europe/London',
    sendHour: 7,
    topics: [],
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    confirmedAt: '2026-11-01T10:05:00.000Z',
    ...overrides,
  };
}

/** Counts hits per (key, window) in memory, like the DynamoDB counter items. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #hits = new Map<string, number>();

  async hit(key: string, limit: number, windowSeconds: number, now: Date): Promise<boolean> {
    const seconds = Math.floor(now.getTime() / 1000);
    const slot = `${key}\n${seconds - (seconds % windowSeconds)}`;
    const hits = this.#hits.get(slot) ?? 0;
    if (hits >= limit) return false;
    this.#hits.set(slot, hits + 1);
    return true;
  }
}

/** Erasure over the memory stores: the subscriber and their delivery rows go, a hash mark stays. */
export class MemoryPersonalDataStore implements PersonalDataStore {
  readonly #erased = new Set<string>();

  constructor(
    private readonly subscribers: MemorySubscriberStore,
    private readonly deliveries: MemoryDeliveryStore,
  ) {}

  async *deliveriesTo(email: string): AsyncIterable<Delivery> {
    for (const row of this.deliveries.all()) if (row.email === email.toLowerCase()) yield row;
  }

  async erase(email: string, _at: string): Promise<{ deliveries: number }> {
    this.#erased.add(hashOf(email));
    const deliveries = this.deliveries.removeFor(email);
    this.subscribers.remove(email);
    return { deliveries };
  }

  async isErased(email: string): Promise<boolean> {
    return this.#erased.has(hashOf(email));
  }

  async clearErasure(email: string): Promise<void> {
    this.#erased.delete(hashOf(email));
  }
}

function hashOf(email: string): string {
  return createHash('sha256').update(email.toLowerCase()).digest('hex');
}

export class MemoryTopicCatalogue implements TopicCatalogue {
  readonly #topics = new Set<string>();

  async add(topics: readonly string[]): Promise<void> {
    for (const topic of topics) this.#topics.add(topic);
  }

  async list(): Promise<string[]> {
    return [...this.#topics].sort();
  }
}

export class MemorySendStatsStore implements SendStatsStore {
  readonly #counts = new Map<string, SendCounts>();
  quota: { at: string; detail: string } | undefined;

  async add(editionId: string, counts: Partial<SendCounts>): Promise<void> {
    const current = this.#counts.get(editionId) ?? zeroCounts();
    for (const [name, value] of Object.entries(counts)) current[name as keyof SendCounts] += value ?? 0;
    this.#counts.set(editionId, current);
  }

  async get(editionId: string): Promise<SendCounts> {
    return { ...(this.#counts.get(editionId) ?? zeroCounts()) };
  }

  async recordQuotaExhausted(at: string, detail: string): Promise<void> {
    this.quota = { at, detail };
  }

  async lastQuotaExhausted(): Promise<{ at: string; detail: string } | undefined> {
    return this.quota;
  }
}
