/**
 * Lean in-memory ports for the pure-CPU variants. The test fakes (test/support/fakes.ts) copy
 * every record with structuredClone and match each reader against every due slot (~400 per
 * hour), which is right for tests but would make a benchmark measure the fake; these hand out
 * the stored objects and index readers by slot, as the DynamoDB index does.
 */
import type { DeliveryJob } from '../../functions/core/delivery/types.ts';
import type { Edition, EditionStatus } from '../../functions/core/edition/types.ts';
import type { Article } from '../../functions/core/ingest/types.ts';
import type { Subscriber, TimeSlot } from '../../functions/core/subscribers/types.ts';
import type { ArticleStore } from '../../functions/core/ingest/ports.ts';
import type { EditionStore } from '../../functions/core/edition/ports.ts';
import type { Queue } from '../../functions/core/planning/ports.ts';
import type { SubscriberStore } from '../../functions/core/subscribers/ports.ts';

export class LeanArticleStore implements ArticleStore {
  readonly #items = new Map<string, Article>();

  async putIfAbsent(article: Article): Promise<'created' | 'duplicate'> {
    if (this.#items.has(article.id)) return 'duplicate';
    this.#items.set(article.id, article);
    return 'created';
  }

  async *listIngested(since: string, cutoff: string): AsyncIterable<Article> {
    // Same-format ISO strings order as the instants they name.
    const matching = [...this.#items.values()]
      .filter((article) => article.ingestedAt > since && article.ingestedAt <= cutoff)
      .sort((a, b) => a.ingestedAt.localeCompare(b.ingestedAt) || a.id.localeCompare(b.id));
    yield* matching;
  }

  get size(): number {
    return this.#items.size;
  }
}

const slotKey = (timezone: string, hour: number) => `${timezone}#${hour}`;

export class LeanSubscriberStore implements SubscriberStore {
  readonly #byEmail = new Map<string, Subscriber>();
  readonly #bySlot = new Map<string, Map<string, Subscriber>>();

  async get(email: string): Promise<Subscriber | undefined> {
    return this.#byEmail.get(email.toLowerCase());
  }

  async put(subscriber: Subscriber): Promise<void> {
    const email = subscriber.email.toLowerCase();
    const previous = this.#byEmail.get(email);
    if (previous) this.#bySlot.get(slotKey(previous.timezone, previous.sendHour))?.delete(email);
    this.#byEmail.set(email, subscriber);
    if (subscriber.status !== 'confirmed') return;
    const key = slotKey(subscriber.timezone, subscriber.sendHour);
    let slot = this.#bySlot.get(key);
    if (!slot) this.#bySlot.set(key, (slot = new Map()));
    slot.set(email, subscriber);
  }

  async *listDue(slots: readonly TimeSlot[]): AsyncIterable<Subscriber> {
    for (const slot of slots) {
      const readers = this.#bySlot.get(slotKey(slot.timezone, slot.hour));
      if (readers) yield* readers.values();
    }
  }

  async *listConfirmed(): AsyncIterable<Subscriber> {
    for (const reader of this.#byEmail.values()) if (reader.status === 'confirmed') yield reader;
  }

  async listTimeZones(): Promise<string[]> {
    return [...new Set([...this.#bySlot.keys()].map((key) => key.slice(0, key.lastIndexOf('#'))))];
  }

  async recordDigest(email: string, editionId: string, cutoff: string): Promise<void> {
    const reader = this.#byEmail.get(email.toLowerCase());
    if (!reader || (reader.lastDigestCutoff !== undefined && reader.lastDigestCutoff >= cutoff)) return;
    await this.put({ ...reader, lastDigestCutoff: cutoff, lastEditionId: editionId });
  }
}

export class LeanEditionStore implements EditionStore {
  readonly #items = new Map<string, Edition>();

  async get(id: string): Promise<Edition | undefined> {
    return this.#items.get(id);
  }

  async createIfAbsent(edition: Edition): Promise<{ edition: Edition; created: boolean }> {
    const existing = this.#items.get(edition.id);
    if (existing) return { edition: existing, created: false };
    this.#items.set(edition.id, edition);
    return { edition, created: true };
  }

  async setStatus(id: string, status: EditionStatus, recipients: number): Promise<void> {
    const existing = this.#items.get(id);
    if (existing) this.#items.set(id, { ...existing, status, recipients });
  }

  async listRecent(limit: number): Promise<Edition[]> {
    return [...this.#items.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }

  clear(): void {
    this.#items.clear();
  }
}

/** Counts jobs instead of sending them, so a plan benchmark measures the planner alone. */
export class CountingQueue implements Queue {
  jobs = 0;
  calls = 0;

  async enqueue(jobs: readonly DeliveryJob[]): Promise<void> {
    this.jobs += jobs.length;
    this.calls += 1;
  }

  reset(): void {
    this.jobs = 0;
    this.calls = 0;
  }
}
