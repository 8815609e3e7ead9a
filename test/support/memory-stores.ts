/**
 * In-memory implementations of every store port, for unit tests of core and for the CPU-only
 * benchmark variants. They pass the same contract suite as the DynamoDB stores
 * (test/support/store-contract.ts). Each hands out copies, so a use case that mutates a record
 * it read cannot pass by accident, and stores records as DynamoDB does: without fields set to
 * undefined. Readers are indexed by send slot, as GSI2 does, so listing a few hundred due slots
 * does not match every reader against every slot (a benchmark would measure the fake).
 */
import { createHash } from 'node:crypto';
import { EditionNotFoundError } from '../../functions/core/edition/errors.ts';
import type { Clock } from '../../functions/core/shared/clock.ts';
import type { ApiKey, Article } from '../../functions/core/ingest/types.ts';
import type { Delivery, SendId, Watermark } from '../../functions/core/delivery/types.ts';
import type { MemoryDeliveryLedger } from './memory-ledger.ts';
import type { Edition, EditionStatus } from '../../functions/core/edition/types.ts';
import type { EditionContent } from '../../functions/core/edition/ports.ts';
import type { Subscriber, SubscriberStatus, TimeSlot } from '../../functions/core/subscribers/types.ts';
import type { ApiKeyStore, ArticleStore, TopicCatalogue } from '../../functions/core/ingest/ports.ts';
import { mergeTopicCatalogue } from '../../functions/core/ingest/topic-catalogue.ts';
import type { CatalogueTopic, TopicSighting } from '../../functions/core/ingest/types.ts';
import type { RateLimiter, SubscriberStore } from '../../functions/core/subscribers/ports.ts';
import type { SendStatsStore } from '../../functions/core/delivery/ports.ts';
import type { EditionStore } from '../../functions/core/edition/ports.ts';
import type { PersonalDataStore } from '../../functions/core/privacy/ports.ts';
import { zeroCounts, type SendCounts } from '../../functions/core/delivery/send-stats.ts';
import {
  type CountedClick,
  type CountedOpen,
  type EditionResults,
  type SendResultCounts,
  type SendResultName,
  zeroResults,
} from '../../functions/core/delivery/send-results.ts';
import type { Source, SourceStore } from '../../functions/core/sources/index.ts';

/**
 * A deep copy of a plain record without the fields set to undefined, which the DynamoDB document
 * client drops too. A loop rather than structuredClone: several times faster on small records,
 * which keeps the copying out of the planner benchmarks that list a thousand readers.
 */
function stored<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stored) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) if (field !== undefined) copy[name] = stored(field);
  return copy as T;
}

const instant = (timestamp: string): number => Date.parse(timestamp);
const utcIso = (timestamp: string): string => new Date(timestamp).toISOString();

/** A clock for stores nobody gave one: the instant FakeClock starts at, so runs stay repeatable. */
const fixedClock: Clock = { now: () => new Date('2026-11-26T07:05:00.000Z') };

export class MemoryArticleStore implements ArticleStore {
  readonly #items = new Map<string, Article>();

  async putIfAbsent(article: Article): Promise<'created' | 'duplicate'> {
    if (this.#items.has(article.id)) return 'duplicate';
    this.#items.set(article.id, stored(article));
    return 'created';
  }

  async *listIngested(since: string, cutoff: string): AsyncIterable<Article> {
    const from = instant(since);
    const to = instant(cutoff);
    const matching = [...this.#items.values()]
      .filter((a) => instant(a.ingestedAt) > from && instant(a.ingestedAt) <= to)
      .sort((a, b) => instant(a.ingestedAt) - instant(b.ingestedAt) || a.id.localeCompare(b.id));
    for (const article of matching) if (article.withdrawnAt === undefined) yield stored(article);
  }

  async withdraw(id: string, at: string): Promise<Article | undefined> {
    const existing = this.#items.get(id);
    if (!existing) return undefined;
    const withdrawn = { ...existing, withdrawnAt: existing.withdrawnAt ?? new Date(at).toISOString() };
    this.#items.set(id, withdrawn);
    return stored(withdrawn);
  }

  async restore(id: string, at: string): Promise<Article | undefined> {
    const existing = this.#items.get(id);
    if (!existing || existing.withdrawnAt === undefined) return existing && stored(existing);
    const { withdrawnAt: _withdrawnAt, ...shown } = existing;
    const restoredAt = new Date(at).toISOString();
    const restored = { ...shown, ingestedAt: restoredAt, restoredAt };
    this.#items.set(id, restored);
    return stored(restored);
  }

  async get(id: string): Promise<Article | undefined> {
    const article = this.#items.get(id);
    return article && stored(article);
  }

  all(): Article[] {
    return [...this.#items.values()].map(stored);
  }
}

const slotKey = (timezone: string, hour: number) => `${timezone}\n${hour}`;

export class MemorySubscriberStore implements SubscriberStore {
  readonly #items = new Map<string, Subscriber>();
  /** Confirmed readers' addresses by (zone, hour): the twin of the sparse slot index. */
  readonly #bySlot = new Map<string, Set<string>>();

  /** The clock stamps updatedAt when recordDigest moves a watermark, as the DynamoDB store does. */
  constructor(private readonly clock: Clock = fixedClock) {}

  async get(email: string): Promise<Subscriber | undefined> {
    const found = this.#items.get(email.toLowerCase());
    return found && stored(found);
  }

  async put(subscriber: Subscriber): Promise<void> {
    const existing = this.#items.get(subscriber.email.toLowerCase());
    // As in DynamoDB: the watermark and the confirmation claim are taken for a new record only.
    const watermark = existing?.lastDigestCutoff
      ? { lastDigestCutoff: existing.lastDigestCutoff, lastEditionId: existing.lastEditionId }
      : {};
    const claim = existing ? { confirmSentAt: existing.confirmSentAt } : {};
    this.#write({ ...subscriber, ...watermark, ...claim });
  }

  async putIfStatus(subscriber: Subscriber, expected: SubscriberStatus | undefined): Promise<boolean> {
    if (this.#items.get(subscriber.email.toLowerCase())?.status !== expected) return false;
    await this.put(subscriber);
    return true;
  }

  async claimConfirmationEmail(email: string, at: string, since: string): Promise<boolean> {
    const reader = this.#items.get(email.toLowerCase());
    if (reader?.status !== 'pending') return false;
    if (reader.confirmSentAt !== undefined && instant(reader.confirmSentAt) > instant(since)) return false;
    this.#write({ ...reader, confirmSentAt: utcIso(at) });
    return true;
  }

  async releaseConfirmationEmail(email: string, at: string): Promise<void> {
    const reader = this.#items.get(email.toLowerCase());
    if (reader?.confirmSentAt === undefined || instant(reader.confirmSentAt) !== instant(at)) return;
    const { confirmSentAt: _released, ...rest } = reader;
    this.#write(rest);
  }

  async listTimeZones(): Promise<string[]> {
    const zones = [...this.#bySlot.entries()].filter(([, readers]) => readers.size > 0).map(([key]) => key.split('\n')[0]!);
    return [...new Set(zones)].sort();
  }

  async *listDue(slots: readonly TimeSlot[]): AsyncIterable<Subscriber> {
    for (const key of new Set(slots.map((slot) => slotKey(slot.timezone, slot.hour)))) {
      for (const email of [...(this.#bySlot.get(key) ?? [])]) {
        const reader = this.#items.get(email);
        if (reader?.status === 'confirmed') yield stored(reader);
      }
    }
  }

  async *listConfirmed(): AsyncIterable<Subscriber> {
    for (const reader of [...this.#items.values()]) {
      if (reader.status === 'confirmed') yield stored(reader);
    }
  }

  async recordDigest(email: string, editionId: string, cutoff: string): Promise<void> {
    const reader = this.#items.get(email.toLowerCase());
    if (!reader) return;
    if (reader.lastDigestCutoff !== undefined && instant(reader.lastDigestCutoff) >= instant(cutoff)) return;
    this.#write({ ...reader, lastDigestCutoff: utcIso(cutoff), lastEditionId: editionId, updatedAt: this.clock.now().toISOString() });
  }

  async clearSoftBounces(email: string): Promise<void> {
    const reader = this.#items.get(email.toLowerCase());
    if (reader?.softBounces === undefined) return;
    const { softBounces: _ended, ...rest } = reader;
    this.#items.set(email.toLowerCase(), rest);
  }

  /** Synchronous read for assertions. */
  peek(email: string): Subscriber | undefined {
    const found = this.#items.get(email.toLowerCase());
    return found && stored(found);
  }

  size(): number {
    return this.#items.size;
  }

  /** What erasing does to the table's subscriber item. */
  remove(email: string): void {
    this.#unindex(email.toLowerCase());
    this.#items.delete(email.toLowerCase());
  }

  #write(reader: Subscriber): void {
    const email = reader.email.toLowerCase();
    this.#unindex(email);
    this.#items.set(email, stored(reader));
    if (reader.status !== 'confirmed') return;
    const key = slotKey(reader.timezone, reader.sendHour);
    const slot = this.#bySlot.get(key) ?? new Set();
    this.#bySlot.set(key, slot.add(email));
  }

  #unindex(email: string): void {
    const previous = this.#items.get(email);
    if (previous) this.#bySlot.get(slotKey(previous.timezone, previous.sendHour))?.delete(email);
  }
}

export class MemoryEditionStore implements EditionStore {
  readonly #items = new Map<string, Edition>();
  /** Calls to get(), so tests can see caching. */
  reads = 0;

  async get(id: string): Promise<Edition | undefined> {
    this.reads += 1;
    const found = this.#items.get(id);
    return found && stored(found);
  }

  async createIfAbsent(edition: Edition): Promise<{ edition: Edition; created: boolean }> {
    const existing = this.#items.get(edition.id);
    if (existing) return { edition: stored(existing), created: false };
    this.#items.set(edition.id, stored(edition));
    return { edition: stored(edition), created: true };
  }

  async setStatus(id: string, status: EditionStatus, recipients: number): Promise<void> {
    const existing = this.#items.get(id);
    if (!existing) throw new EditionNotFoundError(`no edition ${id}`);
    this.#items.set(id, { ...existing, status, recipients });
  }

  async listRecent(limit: number): Promise<Edition[]> {
    return [...this.#items.values()]
      .sort((a, b) => instant(b.createdAt) - instant(a.createdAt) || b.id.localeCompare(a.id))
      .slice(0, Math.max(0, limit))
      .map(stored);
  }

  async *listCreatedSince(createdAt: string): AsyncIterable<Edition> {
    const from = instant(createdAt);
    const matching = [...this.#items.values()]
      .filter((edition) => instant(edition.createdAt) >= from)
      .sort((a, b) => instant(a.createdAt) - instant(b.createdAt) || a.id.localeCompare(b.id));
    for (const edition of matching) yield stored(edition);
  }

  async replaceContent(id: string, content: EditionContent): Promise<void> {
    const existing = this.#items.get(id);
    if (!existing) throw new EditionNotFoundError(`no edition ${id}`);
    this.#items.set(id, stored({ ...existing, ...content }));
  }

  all(): Edition[] {
    return [...this.#items.values()].map(stored);
  }

  /** Forgets every edition, so a benchmark run plans from scratch. */
  clear(): void {
    this.#items.clear();
  }
}

export { MemoryDeliveryLedger } from './memory-ledger.ts';

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export class MemoryApiKeyStore implements ApiKeyStore {
  readonly #items = new Map<string, ApiKey>();

  async get(hash: string): Promise<ApiKey | undefined> {
    const found = this.#items.get(hash);
    return found && stored(found);
  }

  async put(key: ApiKey): Promise<void> {
    this.#items.set(key.hash, stored(key));
  }

  async *list(): AsyncIterable<ApiKey> {
    for (const key of [...this.#items.values()]) yield stored(key);
  }

  all(): ApiKey[] {
    return [...this.#items.values()].map(stored);
  }
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
    private readonly deliveries: MemoryDeliveryLedger,
  ) {}

  async *deliveriesTo(email: string): AsyncIterable<Delivery> {
    for (const row of this.deliveries.all()) if (sameAddress(row.email, email)) yield row;
  }

  async watermarkOf(email: string): Promise<Watermark | undefined> {
    return [...(await this.deliveries.watermarks([email])).values()][0];
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
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

export class MemoryTopicCatalogue implements TopicCatalogue {
  #topics: CatalogueTopic[] = [];

  async record(sightings: readonly TopicSighting[], at: string): Promise<void> {
    if (sightings.length === 0) return;
    this.#topics = mergeTopicCatalogue(this.#topics, sightings, at);
  }

  async list(): Promise<CatalogueTopic[]> {
    return this.#topics.map((topic) => ({ ...topic }));
  }
}

export class MemorySendStatsStore implements SendStatsStore {
  readonly #counts = new Map<string, SendCounts>();
  readonly #sends = new Map<string, EditionResults>();
  quota: { at: string; detail: string } | undefined;

  async add(editionId: string, counts: Partial<SendCounts>): Promise<void> {
    const current = this.#counts.get(editionId) ?? zeroCounts();
    // Counters only go up: the DynamoDB store's ADD skips anything not positive.
    for (const [name, value] of Object.entries(counts)) if (value !== undefined && value > 0) current[name as keyof SendCounts] += value;
    this.#counts.set(editionId, current);
  }

  async get(editionId: string): Promise<SendCounts> {
    return { ...(this.#counts.get(editionId) ?? zeroCounts()) };
  }

  async addToSend(send: SendId, editionId: string, counts: Partial<SendResultCounts>): Promise<void> {
    const row = this.#sendRow(send, editionId);
    for (const [name, value] of Object.entries(counts)) if (value !== undefined && value > 0) row.counts[name as SendResultName] += value;
  }

  async addClick({ send, editionId, story, unique }: CountedClick): Promise<void> {
    const row = this.#sendRow(send, editionId);
    row.counts.clicks += 1;
    if (unique) row.counts.uniqueClicks += 1;
    // The DynamoDB store keeps a story's clicks for indexes an email can list (0-999).
    if (!Number.isInteger(story) || story < 0 || story > 999) return;
    const entry = row.stories.find((s) => s.story === story) ?? { story, clicks: 0, uniqueClicks: 0 };
    if (!row.stories.includes(entry)) row.stories.push(entry);
    entry.clicks += 1;
    if (unique) entry.uniqueClicks += 1;
  }

  async addOpen({ send, editionId, unique }: CountedOpen): Promise<void> {
    const row = this.#sendRow(send, editionId);
    row.counts.opens += 1;
    if (unique) row.counts.uniqueOpens += 1;
  }

  async sendResults(send: SendId): Promise<EditionResults[]> {
    return [...this.#sends.entries()]
      .filter(([key]) => key.startsWith(`${send}\u0000`))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, row]) => ({
        editionId: row.editionId,
        counts: { ...row.counts },
        stories: row.stories.map((story) => ({ ...story })).sort((a, b) => a.story - b.story),
      }));
  }

  #sendRow(send: SendId, editionId: string): EditionResults {
    const key = `${send}\u0000${editionId}`;
    let row = this.#sends.get(key);
    if (!row) this.#sends.set(key, (row = { editionId, counts: zeroResults(), stories: [] }));
    return row;
  }

  async recordQuotaExhausted(at: string, detail: string): Promise<void> {
    this.quota = { at, detail };
  }

  async lastQuotaExhausted(): Promise<{ at: string; detail: string } | undefined> {
    return this.quota && { ...this.quota };
  }
}

/** Feed sources by id, listed in id order as the DynamoDB partition's sort key lists them. */
export class MemorySourceStore implements SourceStore {
  readonly #items = new Map<string, Source>();

  async putIfAbsent(source: Source): Promise<'created' | 'exists'> {
    if (this.#items.has(source.id)) return 'exists';
    this.#items.set(source.id, stored(source));
    return 'created';
  }

  async get(id: string): Promise<Source | undefined> {
    const found = this.#items.get(id);
    return found && stored(found);
  }

  async put(source: Source): Promise<void> {
    this.#items.set(source.id, stored(source));
  }

  async delete(id: string): Promise<boolean> {
    return this.#items.delete(id);
  }

  async *list(): AsyncIterable<Source> {
    for (const id of [...this.#items.keys()].sort()) yield stored(this.#items.get(id)!);
  }
}
