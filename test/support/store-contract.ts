/**
 * The behaviour every implementation of the store ports must have, written from the ports' doc
 * comments (functions/core/{ingest,subscribers,edition,delivery,privacy}/ports.ts). The DynamoDB
 * stores run it in test/integration/dynamo-stores.test.ts (dynalite, and moto where installed),
 * the in-memory stores in test/unit/adapters/dynamo/memory-stores.test.ts, so a unit test of core that passes on
 * the fakes means the same on the table. What only one implementation has (item shapes, TTLs,
 * query pages, damaged items) stays in that implementation's own tests.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeliveryLedger, SendStatsStore } from '../../functions/core/delivery/ports.ts';
import type { DeliveryChunk } from '../../functions/core/delivery/types.ts';
import { zeroResults } from '../../functions/core/delivery/send-results.ts';
import type { EditionStore } from '../../functions/core/edition/ports.ts';
import type { Edition } from '../../functions/core/edition/types.ts';
import { newApiKeyRecord } from '../../functions/core/ingest/api-keys.ts';
import { CATALOGUE_LIMIT } from '../../functions/core/ingest/topic-catalogue.ts';
import type { ApiKeyStore, ArticleStore, TopicCatalogue } from '../../functions/core/ingest/ports.ts';
import type { Article } from '../../functions/core/ingest/types.ts';
import type { PersonalDataStore } from '../../functions/core/privacy/ports.ts';
import { EditionNotFoundError } from '../../functions/core/edition/errors.ts';
import type { RateLimiter, SubscriberStore } from '../../functions/core/subscribers/ports.ts';
import type { Subscriber, TimeSlot } from '../../functions/core/subscribers/types.ts';
import { FakeClock } from './fakes.ts';
import type { SourceStore } from '../../functions/core/sources/index.ts';
import { sourceStoreContract } from './source-store-contract.ts';

/** One implementation's stores over one shared backing store (one table, or one set of maps). */
export interface StoreSet {
  articles: ArticleStore;
  subscribers: SubscriberStore;
  editions: EditionStore;
  deliveries: DeliveryLedger;
  apiKeys: ApiKeyStore;
  rateLimiter: RateLimiter;
  personalData: PersonalDataStore;
  topics: TopicCatalogue;
  sendStats: SendStatsStore;
  sources: SourceStore;
}

/** Empty stores for one case; stores that stamp times read `clock`. */
export type StoreSetFactory = (clock: FakeClock) => Promise<StoreSet>;

/** A fresh id, so cases sharing one table never see each other's items. */
export const unique = () => randomUUID().replaceAll('-', '');

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export function article(ingestedAt: string, overrides: Partial<Article> = {}): Article {
  const id = unique();
  return {
    id,
    title: `Story ${id.slice(0, 6)}`,
    text: 'First sentence. Second sentence.',
    source: 'Example Times',
    url: `https://example.com/${id}`,
    topics: ['world'],
    ingestedAt,
    ...overrides,
  };
}

export function subscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    email: `reader-${unique()}@example.com`,
    status: 'pending',
    timezone: 'Europe/Berlin',
    sendHour: 7,
    topics: [],
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    ...overrides,
  };
}

function edition(overrides: Partial<Edition> = {}): Edition {
  return {
    id: `20261126T0700-${unique()}`,
    since: '2026-11-25T07:00:00.000Z',
    cutoff: '2026-11-26T07:00:00.000Z',
    createdAt: '2026-11-26T07:00:01.000Z',
    subject: 'Your digest',
    preheader: 'Three stories',
    stories: [
      {
        articleId: unique(),
        title: 'A story',
        source: 'Example Times',
        ingestedAt: '2026-11-25T12:00:00.000Z',
        topics: ['world'],
        summary: ['One sentence.'],
        alsoIn: [],
      },
    ],
    moreStories: [],
    html: '<p>digest</p>',
    text: 'digest',
    placeholderNonce: unique(),
    status: 'planned',
    recipients: 0,
    ...overrides,
  };
}

/** Registers the whole contract under `describe(name)`; each case gets fresh stores from `fresh`. */
export function describeStoreContract(name: string, fresh: StoreSetFactory): void {
  const stores = () => fresh(new FakeClock());
  describe(`${name}: store contract`, () => {
    articleStoreContract(stores);
    subscriberStoreContract(fresh);
    editionStoreContract(stores);
    deliveryStoreContract(stores);
    apiKeyStoreContract(stores);
    rateLimiterContract(stores);
    personalDataStoreContract(stores);
    topicCatalogueContract(stores);
    sendStatsStoreContract(stores);
    sourceStoreContract(stores);
  });
}

function articleStoreContract(stores: () => Promise<StoreSet>): void {
  describe('ArticleStore', () => {
    it('creates an article once and reports the second put as a duplicate, keeping the first', async () => {
      const { articles } = await stores();
      const stored = article('2026-11-10T10:00:00.000Z');

      expect(await articles.putIfAbsent(stored)).toBe('created');
      expect(await articles.putIfAbsent({ ...stored, title: 'Another title' })).toBe('duplicate');

      const listed = await collect(articles.listIngested('2026-11-10T09:00:00.000Z', '2026-11-10T11:00:00.000Z'));
      expect(listed).toEqual([stored]);
    });

    it('lets exactly one of ten concurrent puts of the same article win', async () => {
      const { articles } = await stores();
      const stored = article('2026-11-11T10:00:00.000Z');

      const results = await Promise.all(Array.from({ length: 10 }, () => articles.putIfAbsent({ ...stored })));

      expect(results.filter((result) => result === 'created')).toHaveLength(1);
      expect(results.filter((result) => result === 'duplicate')).toHaveLength(9);
    });

    it('withdraws an article: text kept hidden, left out of listings, kept as a duplicate; the first time stays', async () => {
      const { articles } = await stores();
      const stored = article('2026-11-12T10:00:00.000Z');
      const kept = article('2026-11-12T10:30:00.000Z');
      await articles.putIfAbsent(stored);
      await articles.putIfAbsent(kept);

      const withdrawn = await articles.withdraw(stored.id, '2026-11-12T12:00:00.000Z');
      const again = await articles.withdraw(stored.id, '2026-11-12T13:00:00.000Z');

      expect(withdrawn).toEqual({ ...stored, withdrawnAt: '2026-11-12T12:00:00.000Z' });
      expect(again).toEqual(withdrawn);
      expect(await articles.get(stored.id)).toEqual(withdrawn);
      expect(await collect(articles.listIngested('2026-11-12T09:00:00.000Z', '2026-11-12T11:00:00.000Z'))).toEqual([kept]);
      expect(await articles.putIfAbsent({ ...stored })).toBe('duplicate');
      expect(await articles.withdraw('f'.repeat(64), '2026-11-12T12:00:00.000Z')).toBeUndefined();
      expect(await articles.get('f'.repeat(64))).toBeUndefined();
    });

    it('restores a withdrawn article into the listing at the restore time; a shown one is left as it is', async () => {
      const { articles } = await stores();
      const stored = { ...article('2026-11-13T10:00:00.000Z'), publisher: 'key:abc' };
      await articles.putIfAbsent(stored);
      expect(await articles.restore(stored.id, '2026-11-13T11:00:00.000Z')).toEqual(stored);
      await articles.withdraw(stored.id, '2026-11-13T12:00:00.000Z');

      const restored = await articles.restore(stored.id, '2026-11-14T09:00:00.000Z');

      const moved = { ...stored, ingestedAt: '2026-11-14T09:00:00.000Z', restoredAt: '2026-11-14T09:00:00.000Z' };
      expect(restored).toEqual(moved);
      expect(await collect(articles.listIngested('2026-11-13T09:00:00.000Z', '2026-11-13T23:00:00.000Z'))).toEqual([]);
      expect(await collect(articles.listIngested('2026-11-14T08:00:00.000Z', '2026-11-14T10:00:00.000Z'))).toEqual([moved]);
      expect(await articles.putIfAbsent({ ...stored })).toBe('duplicate');
      expect(await articles.restore('e'.repeat(64), '2026-11-14T09:00:00.000Z')).toBeUndefined();
    });

    it('lists articles after since and up to cutoff across a UTC day boundary, oldest first', async () => {
      const { articles } = await stores();
      const since = '2026-11-14T22:00:00.000Z';
      const cutoff = '2026-11-15T02:00:00.000Z';
      const atSince = article(since);
      const lateEvening = article('2026-11-14T23:30:00.000Z');
      const midnight = article('2026-11-15T00:00:00.000Z');
      const atCutoff = article(cutoff);
      const afterCutoff = article('2026-11-15T02:00:00.001Z');
      const dayBefore = article('2026-11-13T23:00:00.000Z');
      for (const item of [atCutoff, afterCutoff, midnight, dayBefore, atSince, lateEvening]) {
        expect(await articles.putIfAbsent(item)).toBe('created');
      }

      const listed = await collect(articles.listIngested(since, cutoff));

      expect(listed.map((item) => item.id)).toEqual([lateEvening.id, midnight.id, atCutoff.id]);
    });

    it('compares bounds as instants even when they are written in another ISO form', async () => {
      const { articles } = await stores();
      const inside = article('2026-11-16T07:00:00.500Z');
      await articles.putIfAbsent(inside);

      expect(await collect(articles.listIngested('2026-11-16T08:00:00+01:00', '2026-11-16T07:00:01Z'))).toEqual([inside]);
      expect(await collect(articles.listIngested('2026-11-16T06:00:00Z', '2026-11-16T07:00:00Z'))).toEqual([]);
    });

    it('finds recent articles for a reader whose watermark is years old', async () => {
      const { articles } = await stores();
      const recent = article('2026-11-22T10:00:00.000Z');
      await articles.putIfAbsent(recent);

      const listed = await collect(articles.listIngested('2001-01-01T00:00:00.000Z', '2026-11-22T10:00:00.000Z'));

      expect(listed.map((item) => item.id)).toContain(recent.id);
    });

    it('yields nothing when since is not before cutoff', async () => {
      const { articles } = await stores();
      await articles.putIfAbsent(article('2026-11-17T10:00:00.000Z'));

      expect(await collect(articles.listIngested('2026-11-17T11:00:00.000Z', '2026-11-17T09:00:00.000Z'))).toEqual([]);
    });

    it('keeps optional fields and omits the ones that were never set', async () => {
      const { articles } = await stores();
      const full = article('2026-11-19T10:00:00.000Z', {
        publishedAt: '2026-11-19T08:00:00.000Z',
        language: 'en',
        imageUrl: 'https://example.com/a.jpg',
        truncated: true,
      });
      const bare = article('2026-11-19T10:00:01.000Z', { url: undefined, topics: [] });
      await articles.putIfAbsent(full);
      await articles.putIfAbsent(bare);

      const [readFull, readBare] = await collect(articles.listIngested('2026-11-19T00:00:00.000Z', '2026-11-19T23:00:00.000Z'));

      expect(readFull).toEqual(full);
      expect(readBare).not.toHaveProperty('url');
      expect(readBare).toEqual({ ...bare, url: undefined });
    });

    it('hands out records whose changes do not reach the store', async () => {
      const { articles } = await stores();
      const stored = article('2026-11-20T10:00:00.000Z');
      await articles.putIfAbsent(stored);
      stored.topics.push('changed after the put');

      const [read] = await collect(articles.listIngested('2026-11-20T00:00:00.000Z', '2026-11-20T23:00:00.000Z'));
      read!.title = 'changed after the read';

      const [again] = await collect(articles.listIngested('2026-11-20T00:00:00.000Z', '2026-11-20T23:00:00.000Z'));
      expect(again).toMatchObject({ title: stored.title, topics: ['world'] });
    });
  });
}

function subscriberStoreContract(fresh: StoreSetFactory): void {
  const stores = () => fresh(new FakeClock());
  const dueEmails = async (subscribers: SubscriberStore, slots: TimeSlot[]) =>
    (await collect(subscribers.listDue(slots))).map((reader) => reader.email).sort();

  describe('SubscriberStore', () => {
    it('keeps the due-slot listing in step with status and send hour', async () => {
      const { subscribers } = await stores();
      const timezone = 'America/Chicago';
      const pending = subscriber({ timezone, sendHour: 6 });
      const confirmed = subscriber({ timezone, sendHour: 6, status: 'confirmed', confirmedAt: '2026-11-02T10:00:00.000Z' });
      await subscribers.put(pending);
      await subscribers.put(confirmed);
      const six = { timezone, hour: 6 };
      const nine = { timezone, hour: 9 };

      expect(await dueEmails(subscribers, [six])).toEqual([confirmed.email]);

      await subscribers.put({ ...confirmed, sendHour: 9 });
      expect(await dueEmails(subscribers, [six])).toEqual([]);
      expect(await dueEmails(subscribers, [nine])).toEqual([confirmed.email]);

      await subscribers.put({ ...confirmed, timezone: 'America/Denver', sendHour: 9 });
      expect(await dueEmails(subscribers, [nine])).toEqual([]);
      expect(await dueEmails(subscribers, [{ timezone: 'America/Denver', hour: 9 }])).toEqual([confirmed.email]);

      await subscribers.put({ ...confirmed, sendHour: 9, status: 'unsubscribed' });
      expect(await dueEmails(subscribers, [six, nine])).toEqual([]);
      expect(await subscribers.get(confirmed.email)).toMatchObject({ status: 'unsubscribed', sendHour: 9 });
    });

    it('lists due readers of several slots once each, and only those slots', async () => {
      const { subscribers } = await stores();
      const zone = 'Asia/Kolkata';
      const readers = Array.from({ length: 12 }, (_, index) => subscriber({ timezone: zone, sendHour: index, status: 'confirmed' }));
      for (const reader of readers) await subscribers.put(reader);
      const slots = Array.from({ length: 10 }, (_, hour) => ({ timezone: zone, hour }));

      const due = await dueEmails(subscribers, [...slots, slots[0]!]);

      expect(due).toEqual(
        readers
          .slice(0, 10)
          .map((reader) => reader.email)
          .sort(),
      );
    });

    it('lists every confirmed reader and no one else', async () => {
      const { subscribers } = await stores();
      const confirmed = subscriber({ status: 'confirmed', timezone: 'Pacific/Auckland', sendHour: 20 });
      const pending = subscriber({ timezone: 'Pacific/Auckland' });
      const bounced = subscriber({ status: 'bounced', timezone: 'Pacific/Auckland' });
      for (const reader of [confirmed, pending, bounced]) await subscribers.put(reader);

      const listed = await collect(subscribers.listConfirmed());

      expect(listed.every((reader) => reader.status === 'confirmed')).toBe(true);
      const emails = listed.map((reader) => reader.email);
      expect(emails).toContain(confirmed.email);
      expect(emails).not.toContain(pending.email);
      expect(emails).not.toContain(bounced.email);
    });

    it('round-trips a reader with consent and finds them whatever the case of the address asked for', async () => {
      const { subscribers } = await stores();
      const reader = subscriber({ consent: { at: '2026-11-01T10:00:00.000Z', ip: '203.0.113.9', userAgent: 'UA' } });
      await subscribers.put(reader);

      expect(await subscribers.get(reader.email.toUpperCase())).toEqual(reader);
      expect(await subscribers.get(`nobody-${unique()}@example.com`)).toBeUndefined();
    });

    it('reads back the preference fields, and records without them', async () => {
      const { subscribers } = await stores();
      const old = subscriber({ status: 'confirmed' });
      await subscribers.put(old);
      expect((await subscribers.get(old.email))?.frequency).toBeUndefined();

      const weekly = subscriber({ frequency: 'weekly', weeklyDay: 3, pausedUntil: '2026-12-01', tokenVersion: 2 });
      await subscribers.put(weekly);
      expect(await subscribers.get(weekly.email)).toMatchObject({
        frequency: 'weekly',
        weeklyDay: 3,
        pausedUntil: '2026-12-01',
        tokenVersion: 2,
      });

      const { pausedUntil: _resumed, ...unpaused } = weekly;
      await subscribers.put(unpaused);
      expect((await subscribers.get(weekly.email))?.pausedUntil).toBeUndefined();
    });

    it('moves the digest watermark forward and never backwards, stamping the update', async () => {
      const clock = new FakeClock('2026-11-26T07:00:05.000Z');
      const { subscribers } = await fresh(clock);
      const reader = subscriber({ status: 'confirmed', timezone: 'Europe/Lisbon' });
      await subscribers.put(reader);

      await subscribers.recordDigest(reader.email, 'ed-26', '2026-11-26T07:00:00.000Z');
      await subscribers.recordDigest(reader.email, 'ed-25', '2026-11-25T07:00:00.000Z');
      await subscribers.recordDigest(reader.email, 'ed-26-again', '2026-11-26T07:00:00.000Z');

      expect(await subscribers.get(reader.email)).toMatchObject({
        lastDigestCutoff: '2026-11-26T07:00:00.000Z',
        lastEditionId: 'ed-26',
        updatedAt: '2026-11-26T07:00:05.000Z',
      });

      await subscribers.recordDigest(reader.email, 'ed-27', '2026-11-27T07:00:00.000Z');
      expect(await subscribers.get(reader.email)).toMatchObject({ lastEditionId: 'ed-27' });
    });

    it('compares cutoffs as instants and stores them in UTC', async () => {
      const { subscribers } = await stores();
      const reader = subscriber({ status: 'confirmed' });
      await subscribers.put(reader);

      await subscribers.recordDigest(reader.email, 'ed-26', '2026-11-26T08:00:00+01:00');
      await subscribers.recordDigest(reader.email, 'ed-earlier', '2026-11-26T06:59:59Z');

      expect(await subscribers.get(reader.email)).toMatchObject({ lastDigestCutoff: '2026-11-26T07:00:00.000Z', lastEditionId: 'ed-26' });
    });

    it("keeps a digest recorded between a reader's read and their put (preferences racing a send)", async () => {
      const { subscribers } = await stores();
      const reader = subscriber({ status: 'confirmed', timezone: 'Europe/Lisbon', sendHour: 7 });
      await subscribers.put(reader);
      const staleRead = (await subscribers.get(reader.email))!;

      await subscribers.recordDigest(reader.email, 'ed-26', '2026-11-26T07:00:00.000Z');
      await subscribers.put({ ...staleRead, sendHour: 9, confirmSentAt: undefined });

      expect(await subscribers.get(reader.email)).toMatchObject({
        sendHour: 9,
        lastDigestCutoff: '2026-11-26T07:00:00.000Z',
        lastEditionId: 'ed-26',
      });
    });

    it('takes the watermark of a new record, and clears optional fields a put leaves out', async () => {
      const { subscribers } = await stores();
      const reader = subscriber({
        status: 'unsubscribed',
        unsubscribedAt: '2026-11-20T00:00:00.000Z',
        lastDigestCutoff: '2026-11-19T07:00:00.000Z',
        lastEditionId: 'ed-19',
      });
      await subscribers.put(reader);
      expect(await subscribers.get(reader.email)).toMatchObject({ lastEditionId: 'ed-19' });

      const { unsubscribedAt: _dropped, ...resubscribed } = reader;
      await subscribers.put({ ...resubscribed, status: 'pending' });
      const stored = await subscribers.get(reader.email);
      expect(stored?.status).toBe('pending');
      expect(stored?.unsubscribedAt).toBeUndefined();
      expect(stored).not.toHaveProperty('unsubscribedAt');
    });

    it('writes a reader conditionally on the stored status, one winner when writes race', async () => {
      const { subscribers } = await stores();
      const reader = subscriber({ status: 'pending' });
      expect(await subscribers.putIfStatus(reader, 'pending')).toBe(false);
      expect(await subscribers.get(reader.email)).toBeUndefined();
      const created = await Promise.all(
        Array.from({ length: 5 }, (_, i) => subscribers.putIfStatus({ ...reader, sendHour: i }, undefined)),
      );
      expect(created.filter(Boolean)).toHaveLength(1);

      const confirmed = { ...reader, status: 'confirmed' as const, confirmedAt: '2026-11-26T10:00:00.000Z' };
      const moved = await Promise.all(Array.from({ length: 5 }, () => subscribers.putIfStatus(confirmed, 'pending')));
      expect(moved.filter(Boolean)).toHaveLength(1);
      expect(await subscribers.putIfStatus({ ...reader, status: 'unsubscribed' }, 'pending')).toBe(false);
      expect((await subscribers.get(reader.email))?.status).toBe('confirmed');
    });

    it('hands out one confirmation-email claim per window however many race, and takes a released one back', async () => {
      const { subscribers } = await stores();
      const reader = subscriber({ status: 'pending' });
      expect(await subscribers.claimConfirmationEmail(reader.email, '2026-11-26T10:00:00.000Z', '2026-11-26T09:50:00.000Z')).toBe(false);
      await subscribers.put(reader);

      const claims = await Promise.all(
        Array.from({ length: 5 }, () =>
          subscribers.claimConfirmationEmail(reader.email, '2026-11-26T10:00:00.000Z', '2026-11-26T09:50:00.000Z'),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect((await subscribers.get(reader.email))?.confirmSentAt).toBe('2026-11-26T10:00:00.000Z');
      // A put from a read taken before the claim leaves the claim alone.
      await subscribers.put({ ...reader, sendHour: 9 });
      expect(await subscribers.get(reader.email)).toMatchObject({ sendHour: 9, confirmSentAt: '2026-11-26T10:00:00.000Z' });
      expect(await subscribers.claimConfirmationEmail(reader.email, '2026-11-26T10:05:00.000Z', '2026-11-26T09:55:00.000Z')).toBe(false);
      expect(await subscribers.claimConfirmationEmail(reader.email, '2026-11-26T10:11:00.000Z', '2026-11-26T10:01:00.000Z')).toBe(true);

      await subscribers.releaseConfirmationEmail(reader.email, '2026-11-26T10:00:00.000Z');
      expect((await subscribers.get(reader.email))?.confirmSentAt).toBe('2026-11-26T10:11:00.000Z');
      await subscribers.releaseConfirmationEmail(reader.email, '2026-11-26T10:11:00.000Z');
      expect(await subscribers.get(reader.email)).not.toHaveProperty('confirmSentAt');

      await subscribers.put({ ...reader, status: 'confirmed' });
      expect(await subscribers.claimConfirmationEmail(reader.email, '2026-11-26T11:00:00.000Z', '2026-11-26T10:50:00.000Z')).toBe(false);
    });

    it('lists the zones of confirmed readers once each, sorted, as stored, for the hourly run', async () => {
      const { subscribers } = await stores();
      await subscribers.put(subscriber({ status: 'pending', timezone: 'Pacific/Chatham' }));
      await subscribers.put(subscriber({ status: 'confirmed', timezone: 'Asia/Kolkata' }));
      await subscribers.put(subscriber({ status: 'confirmed', timezone: 'Asia/Kolkata' }));
      await subscribers.put(subscriber({ status: 'confirmed', timezone: 'America/Argentina/Buenos_Aires' }));

      const zones = await subscribers.listTimeZones();

      expect(zones).toContain('Asia/Kolkata');
      expect(zones.filter((zone) => zone === 'Asia/Kolkata')).toHaveLength(1);
      expect(zones).toContain('America/Argentina/Buenos_Aires');
      expect(zones).not.toContain('Pacific/Chatham');
      expect(zones).toEqual([...zones].sort());
    });

    it('does not create a reader when recording a digest for an unknown address', async () => {
      const { subscribers } = await stores();
      const email = `gone-${unique()}@example.com`;

      await subscribers.recordDigest(email, 'ed-26', '2026-11-26T07:00:00.000Z');

      expect(await subscribers.get(email)).toBeUndefined();
    });

    it('hands out records whose changes do not reach the store', async () => {
      const { subscribers } = await stores();
      const reader = subscriber({ status: 'confirmed', topics: ['world'] });
      await subscribers.put(reader);
      reader.topics.push('changed after the put');

      const read = (await subscribers.get(reader.email))!;
      read.topics.push('changed after the read');
      const [due] = await collect(subscribers.listDue([{ timezone: reader.timezone, hour: reader.sendHour }]));
      due!.sendHour = 23;

      expect(await subscribers.get(reader.email)).toMatchObject({ topics: ['world'], sendHour: 7 });
    });
  });
}

function editionStoreContract(stores: () => Promise<StoreSet>): void {
  describe('EditionStore', () => {
    it('creates an edition once and hands the stored one to a second planner', async () => {
      const { editions } = await stores();
      const first = edition();

      const created = await editions.createIfAbsent(first);
      const second = await editions.createIfAbsent({ ...first, subject: 'A different subject', placeholderNonce: 'other' });

      expect(created).toEqual({ edition: first, created: true });
      expect(second).toEqual({ edition: first, created: false });
      expect(await editions.get(first.id)).toEqual(first);
      expect(await editions.get(`missing-${unique()}`)).toBeUndefined();
    });

    it('updates status and recipients, and refuses to update an edition that does not exist', async () => {
      const { editions } = await stores();
      const stored = edition();
      await editions.createIfAbsent(stored);

      await editions.setStatus(stored.id, 'sending', 1234);

      expect(await editions.get(stored.id)).toMatchObject({ status: 'sending', recipients: 1234 });
      await expect(editions.setStatus(`missing-${unique()}`, 'sending', 1)).rejects.toBeInstanceOf(EditionNotFoundError);
      expect(await editions.listRecent(10)).toHaveLength(1);
    });

    it('lists the most recent editions first, up to the limit', async () => {
      const { editions } = await stores();
      const bulky = 'y'.repeat(150_000);
      const made = Array.from({ length: 9 }, (_, index) =>
        edition({ createdAt: `2030-01-0${index + 1}T07:00:00.000Z`, html: bulky, text: bulky }),
      );
      for (const item of made) await editions.createIfAbsent(item);

      const recent = await editions.listRecent(8);

      expect(recent.map((item) => item.id)).toEqual(
        made
          .slice(1)
          .reverse()
          .map((item) => item.id),
      );
      expect(await editions.listRecent(0)).toEqual([]);
    });

    it('orders editions by the instant they were made, whatever ISO form names it', async () => {
      const { editions } = await stores();
      const earlier = edition({ createdAt: '2030-02-01T08:00:00+01:00' });
      const later = edition({ createdAt: '2030-02-01T07:30:00.000Z' });
      await editions.createIfAbsent(later);
      await editions.createIfAbsent(earlier);

      expect((await editions.listRecent(2)).map((item) => item.id)).toEqual([later.id, earlier.id]);
    });

    it('lists the editions created from an instant on, oldest first', async () => {
      const { editions } = await stores();
      const made = ['2031-03-01T06:59:59.999Z', '2031-03-01T07:00:00.000Z', '2031-03-01T09:00:00+01:00', '2031-03-02T07:00:00.000Z'].map(
        (createdAt) => edition({ createdAt }),
      );
      for (const item of [...made].reverse()) await editions.createIfAbsent(item);

      const listed = (await collect(editions.listCreatedSince('2031-03-01T07:00:00.000Z'))).map((item) => item.id);

      expect(listed.filter((id) => made.some((item) => item.id === id))).toEqual(made.slice(1).map((item) => item.id));
    });

    it('replaces what an edition shows after a takedown, and refuses an edition that does not exist', async () => {
      const { editions } = await stores();
      const stored = edition();
      await editions.createIfAbsent(stored);
      const content = {
        subject: 'Another lead',
        preheader: 'Another preheader',
        html: '<p>revised</p>',
        text: 'revised',
        stories: [],
        moreStories: [],
        withdrawn: [{ articleId: stored.stories[0]!.articleId, at: '2026-11-26T09:00:00.000Z' }],
      };

      await editions.replaceContent(stored.id, content);

      expect(await editions.get(stored.id)).toEqual({ ...stored, ...content });
      await expect(editions.replaceContent(`missing-${unique()}`, content)).rejects.toBeInstanceOf(EditionNotFoundError);
    });
  });
}

function deliveryStoreContract(stores: () => Promise<StoreSet>): void {
  describe('DeliveryLedger', () => {
    const slotDay = () => ({ timezone: 'Europe/London', hour: 7, date: '2026-11-26' });
    /** A lease start before every lock these cases take: no lock is stale unless a case says so. */
    const STALE = '2026-11-25T00:00:00.000Z';
    const aChunk = (overrides: Partial<DeliveryChunk> = {}): DeliveryChunk => {
      const send = overrides.send ?? `run${unique().slice(0, 8)}`;
      return {
        slotDay: { timezone: 'America/New_York', hour: 7, date: '2026-11-26' },
        id: `${send}-0`,
        send,
        editionId: '20261126T065800-20261125T065800',
        emails: ['a@example.com', 'b@example.com', 'c@example.com'],
        status: 'open',
        createdAt: '2026-11-26T07:00:00.000Z',
        attempts: 0,
        sent: {},
        rejected: {},
        ...overrides,
      };
    };

    it('gives a slot-day to one of ten runs, and resumes it for the same run', async () => {
      const { deliveries } = await stores();
      const day = { ...slotDay(), timezone: `Zone/${unique()}` };
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, run) => deliveries.lockSlotDay(day, `run-${run}`, '2026-11-26T07:00:00.000Z', STALE)),
      );
      expect(results.filter((result) => result === 'acquired')).toHaveLength(1);
      expect(results.filter((result) => result === 'taken')).toHaveLength(9);
      const winner = `run-${results.indexOf('acquired')}`;
      expect(await deliveries.lockSlotDay(day, winner, '2026-11-26T07:01:00.000Z', STALE)).toBe('resumed');
      expect(await deliveries.lockSlotDay({ ...day, date: '2026-11-27' }, 'run-x', '2026-11-27T07:00:00.000Z', STALE)).toBe('acquired');
    });

    it('lets one later run take over a slot-day whose owner stopped renewing it before completing it, and one reopen a completed one', async () => {
      const { deliveries } = await stores();
      const abandoned = { ...slotDay(), timezone: `Zone/${unique()}` };
      const completed = { ...slotDay(), timezone: `Zone/${unique()}` };
      expect(await deliveries.lockSlotDay(abandoned, 'run-dead', '2026-11-26T07:00:00.000Z', STALE)).toBe('acquired');
      expect(await deliveries.lockSlotDay(completed, 'run-done', '2026-11-26T07:00:00.000Z', STALE)).toBe('acquired');
      expect(await deliveries.renewSlotDay(abandoned, 'run-dead', '2026-11-26T07:02:00.000Z')).toBe(true);
      await deliveries.completeSlotDay(completed, 'run-done', '2026-11-26T07:03:00.000Z');

      // Renewed at 07:02: not stale for a run whose lease starts earlier.
      expect(await deliveries.lockSlotDay(abandoned, 'run-early', '2026-11-26T07:10:00.000Z', '2026-11-26T07:01:00.000Z')).toBe('taken');
      const later = await Promise.all(
        Array.from({ length: 5 }, (_, run) =>
          deliveries.lockSlotDay(abandoned, `run-late-${run}`, '2026-11-26T07:30:00.000Z', '2026-11-26T07:15:00.000Z'),
        ),
      );
      expect(later.filter((result) => result === 'taken-over')).toHaveLength(1);
      expect(later.filter((result) => result === 'taken')).toHaveLength(4);
      // The run that died has lost it: it can neither renew nor complete it now.
      expect(await deliveries.renewSlotDay(abandoned, 'run-dead', '2026-11-26T07:31:00.000Z')).toBe(false);
      // Completed: one of several later runs reopens it for late readers; the others find it held.
      const reopen = await Promise.all(
        Array.from({ length: 5 }, (_, run) =>
          deliveries.lockSlotDay(completed, `run-after-${run}`, '2026-11-26T09:00:00.000Z', '2026-11-26T08:45:00.000Z'),
        ),
      );
      expect(reopen.filter((result) => result === 'reopened')).toHaveLength(1);
      expect(reopen.filter((result) => result === 'taken')).toHaveLength(4);
      const reopener = `run-after-${reopen.indexOf('reopened')}`;
      expect(await deliveries.lockSlotDay(completed, 'run-other', '2026-11-26T09:01:00.000Z', '2026-11-26T08:46:00.000Z')).toBe('taken');
      await deliveries.completeSlotDay(completed, reopener, '2026-11-26T09:02:00.000Z');
      expect(await deliveries.lockSlotDay(completed, 'run-other', '2026-11-26T10:00:00.000Z', '2026-11-26T09:45:00.000Z')).toBe('reopened');
    });

    it('hands every slot-day not completed to the next run when a restart abandons them, and leaves completed ones completed', async () => {
      const { deliveries } = await stores();
      const open = { ...slotDay(), timezone: `Zone/${unique()}` };
      const completed = { ...slotDay(), timezone: `Zone/${unique()}` };
      await deliveries.lockSlotDay(open, 'run-dead', '2026-11-26T07:00:00.000Z', STALE);
      await deliveries.lockSlotDay(completed, 'run-done', '2026-11-26T07:00:00.000Z', STALE);
      await deliveries.completeSlotDay(completed, 'run-done', '2026-11-26T07:01:00.000Z');

      expect(await deliveries.abandonOpenSlotDays()).toBeGreaterThanOrEqual(1);
      // A minute later, well inside the lease: the abandoned one is taken over, the completed one only reopened for late readers.
      expect(await deliveries.lockSlotDay(open, 'run-next', '2026-11-26T07:02:00.000Z', '2026-11-26T06:47:00.000Z')).toBe('taken-over');
      expect(await deliveries.lockSlotDay(completed, 'run-next', '2026-11-26T07:02:00.000Z', '2026-11-26T06:47:00.000Z')).toBe('reopened');
    });

    it('lets one of ten senders claim a pending chunk, and another take it over only once the lease is over', async () => {
      const { deliveries } = await stores();
      const chunk = aChunk();
      await deliveries.addChunks([chunk]);
      expect((await deliveries.chunksOf(chunk.slotDay)).map((c) => c.id)).toEqual([chunk.id]);

      const claims = await Promise.all(
        Array.from({ length: 10 }, () => deliveries.claimChunk(chunk, '2026-11-26T07:01:00.000Z', '2026-11-26T06:55:00.000Z')),
      );
      expect(claims.filter((claim) => claim.result === 'claimed')).toHaveLength(1);
      expect(claims.filter((claim) => claim.result === 'held')).toHaveLength(9);
      // Fresh: held. Stale: exactly one of several later senders takes it over.
      expect((await deliveries.claimChunk(chunk, '2026-11-26T07:02:00.000Z', '2026-11-26T07:00:59.000Z')).result).toBe('held');
      const takeovers = await Promise.all(
        Array.from({ length: 5 }, () => deliveries.claimChunk(chunk, '2026-11-26T07:20:00.000Z', '2026-11-26T07:14:00.000Z')),
      );
      const won = takeovers.filter((claim) => claim.result === 'claimed');
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ chunk: { status: 'claimed', claimedAt: '2026-11-26T07:20:00.000Z', attempts: 2 } });
    });

    it('records who was sent and refused on the claim, releases an unfinished chunk and ends a finished one', async () => {
      const { deliveries } = await stores();
      const chunk = aChunk();
      await deliveries.addChunks([chunk]);
      await deliveries.claimChunk(chunk, '2026-11-26T07:01:00.000Z', '2026-11-26T06:55:00.000Z');
      // A stale claimedAt (the chunk was taken over) records the sends anyway, and reports false.
      expect(
        await deliveries.recordResults(chunk, '2026-11-26T06:00:00.000Z', {
          sent: { 'a@example.com': 'm-a' },
          rejected: {},
          finished: true,
        }),
      ).toBe(false);
      expect(
        await deliveries.recordResults(chunk, '2026-11-26T07:01:00.000Z', {
          sent: { 'b@example.com': 'm-b' },
          rejected: { 'c@example.com': 'MESSAGE_REJECTED' },
          finished: false,
          error: 'ACCOUNT_DAILY_QUOTA_EXCEEDED',
        }),
      ).toBe(true);
      let [stored] = await deliveries.chunksOf(chunk.slotDay);
      expect(stored).toMatchObject({
        status: 'open',
        sent: { 'a@example.com': 'm-a', 'b@example.com': 'm-b' },
        rejected: { 'c@example.com': 'MESSAGE_REJECTED' },
      });
      expect((await deliveries.openChunks()).map((c) => c.id)).toContain(chunk.id);

      const again = await deliveries.claimChunk(chunk, '2026-11-26T08:05:00.000Z', '2026-11-26T08:00:00.000Z');
      expect(again.result).toBe('claimed');
      await deliveries.recordResults(chunk, '2026-11-26T08:05:00.000Z', { sent: {}, rejected: {}, finished: true });
      [stored] = await deliveries.chunksOf(chunk.slotDay);
      expect(stored?.status).toBe('sent');
      expect(stored).not.toHaveProperty('claimedAt');
      expect((await deliveries.claimChunk(chunk, '2026-11-26T09:00:00.000Z', '2026-11-26T09:00:00.000Z')).result).toBe('done');
      expect((await deliveries.openChunks()).map((c) => c.id)).not.toContain(chunk.id);
    });

    it('confirms sends whatever the claim, and releases a claimed chunk', async () => {
      const { deliveries } = await stores();
      const chunk = aChunk();
      await deliveries.addChunks([chunk]);
      await deliveries.claimChunk(chunk, '2026-11-26T07:01:00.000Z', '2026-11-26T06:55:00.000Z');
      await deliveries.confirmSent(chunk, { 'a@example.com': 'm-a' });
      await deliveries.release(chunk);
      const [stored] = await deliveries.chunksOf(chunk.slotDay);
      expect(stored).toMatchObject({ status: 'open', sent: { 'a@example.com': 'm-a' } });
      expect((await deliveries.claimChunk(chunk, '2026-11-26T07:02:00.000Z', '2026-11-26T06:55:00.000Z')).result).toBe('claimed');
      // Confirming a chunk that does not exist is harmless.
      await deliveries.confirmSent(aChunk(), { 'x@example.com': 'm-x' });
    });

    it('keeps the first record of a send when its run is retried, and completes it with its editions', async () => {
      const { deliveries } = await stores();
      const send = `hourly-${unique().slice(0, 12)}`;
      expect(await deliveries.sendRecord(send)).toBeUndefined();
      await deliveries.startSend({ send, mode: 'scheduled', createdAt: '2026-11-26T07:00:00.000Z', state: 'running', editions: [] });
      await deliveries.startSend({ send, mode: 'scheduled', createdAt: '2026-11-26T07:20:00.000Z', state: 'running', editions: [] });
      await deliveries.completeSend(send, ['ed-a', 'ed-b'], '2026-11-26T07:21:00.000Z');
      expect(await deliveries.sendRecord(send)).toEqual({
        send,
        mode: 'scheduled',
        createdAt: '2026-11-26T07:00:00.000Z',
        state: 'running',
        plannedAt: '2026-11-26T07:21:00.000Z',
        editions: ['ed-a', 'ed-b'],
      });
    });

    it('lists the latest sends first, their state as it is now', async () => {
      const { deliveries } = await stores();
      // Later than any other case's sends, so these three are the latest in a shared table.
      const sends = [0, 1, 2].map((i) => ({ send: `now-${unique()}`, createdAt: `2990-01-0${i + 1}T07:00:00.000Z` }));
      for (const { send, createdAt } of sends) await deliveries.startSend({ send, mode: 'now', createdAt, state: 'running', editions: [] });
      await deliveries.pauseSend(sends[1]!.send);

      const recent = await deliveries.recentSends(2);
      expect(recent.map(({ send, state }) => ({ send, state }))).toEqual([
        { send: sends[2]!.send, state: 'running' },
        { send: sends[1]!.send, state: 'paused' },
      ]);
    });

    it("pauses only a send's open chunks, which no claim takes and which stay listed until a resume opens them", async () => {
      const { deliveries } = await stores();
      const send = `now-${unique()}`;
      await deliveries.startSend({ send, mode: 'now', createdAt: '2026-11-26T07:00:00.000Z', state: 'running', editions: [] });
      const open = aChunk({ send, id: `${send}-0` });
      const claimed = aChunk({ send, id: `${send}-1` });
      const sent = aChunk({ send, id: `${send}-2` });
      const otherSend = aChunk();
      await deliveries.addChunks([open, claimed, sent, otherSend]);
      await deliveries.claimChunk(claimed, '2026-11-26T07:01:00.000Z', STALE);
      await deliveries.claimChunk(sent, '2026-11-26T07:01:00.000Z', STALE);
      await deliveries.recordResults(sent, '2026-11-26T07:01:00.000Z', { sent: { 'a@example.com': 'm-a' }, rejected: {}, finished: true });

      expect(await deliveries.pauseSend(send)).toBe(1);

      expect((await deliveries.sendRecord(send))?.state).toBe('paused');
      const states = async () => new Map((await deliveries.chunksOf(open.slotDay)).map((chunk) => [chunk.id, chunk.status]));
      expect(await states()).toEqual(
        new Map([
          [open.id, 'paused'],
          [claimed.id, 'claimed'],
          [sent.id, 'sent'],
          [otherSend.id, 'open'],
        ]),
      );
      // Not even with every lease over: paused is not open.
      expect(await deliveries.claimChunk(open, '2026-11-26T09:00:00.000Z', '2026-11-26T09:00:00.000Z')).toEqual({
        result: 'stopped',
        state: 'paused',
      });
      expect((await deliveries.openChunks()).map((chunk) => chunk.id)).toContain(open.id);

      const resumed = await deliveries.resumeSend(send);
      expect(resumed.map((chunk) => [chunk.id, chunk.status, chunk.send])).toEqual([[open.id, 'open', send]]);
      expect((await deliveries.sendRecord(send))?.state).toBe('running');
      expect((await deliveries.claimChunk(open, '2026-11-26T09:01:00.000Z', STALE)).result).toBe('claimed');
    });

    it("cancels a send's open and paused chunks for good: no claim, no resume, out of the open chunks", async () => {
      const { deliveries } = await stores();
      const send = `now-${unique()}`;
      await deliveries.startSend({ send, mode: 'now', createdAt: '2026-11-26T07:00:00.000Z', state: 'running', editions: [] });
      const paused = aChunk({ send, id: `${send}-0` });
      const open = aChunk({ send, id: `${send}-1` });
      await deliveries.addChunks([paused]);
      await deliveries.pauseSend(send);
      await deliveries.addChunks([open]);

      expect(await deliveries.cancelSend(send)).toBe(2);

      expect((await deliveries.chunksOf(open.slotDay)).map((chunk) => chunk.status)).toEqual(['cancelled', 'cancelled']);
      expect(await deliveries.claimChunk(open, '2026-11-26T09:00:00.000Z', '2026-11-26T09:00:00.000Z')).toEqual({
        result: 'stopped',
        state: 'cancelled',
      });
      expect(await deliveries.resumeSend(send)).toEqual([]);
      expect(await deliveries.pauseSend(send)).toBe(0);
      expect((await deliveries.sendRecord(send))?.state).toBe('cancelled');
      const listed = (await deliveries.openChunks()).map((chunk) => chunk.id);
      expect(listed).not.toContain(open.id);
      expect(listed).not.toContain(paused.id);
    });

    it('leaves a chunk claimed when its send is paused to its sender, and makes it paused, not open, when released unfinished', async () => {
      const { deliveries } = await stores();
      const send = `now-${unique()}`;
      const failed = aChunk({ send, id: `${send}-0` });
      const released = aChunk({ send, id: `${send}-1` });
      const finished = aChunk({ send, id: `${send}-2` });
      const resumed = aChunk({ send, id: `${send}-3` });
      await deliveries.addChunks([failed, released, finished, resumed]);
      for (const chunk of [failed, released, finished, resumed]) await deliveries.claimChunk(chunk, '2026-11-26T07:01:00.000Z', STALE);

      expect(await deliveries.pauseSend(send)).toBe(0);
      await deliveries.recordResults(failed, '2026-11-26T07:01:00.000Z', {
        sent: { 'a@example.com': 'm-a' },
        rejected: {},
        finished: false,
        error: 'Throttling',
      });
      await deliveries.release(released);
      await deliveries.recordResults(finished, '2026-11-26T07:01:00.000Z', {
        sent: { 'a@example.com': 'm-a' },
        rejected: {},
        finished: true,
      });

      const states = async () => new Map((await deliveries.chunksOf(failed.slotDay)).map((chunk) => [chunk.id, chunk.status]));
      expect(await states()).toEqual(
        new Map([
          [failed.id, 'paused'],
          [released.id, 'paused'],
          [finished.id, 'sent'],
          [resumed.id, 'claimed'],
        ]),
      );
      expect((await deliveries.claimChunk(failed, '2026-11-26T09:00:00.000Z', '2026-11-26T09:00:00.000Z')).result).toBe('stopped');

      // Resumed while still claimed: released, it is open again; the paused ones come back open.
      expect((await deliveries.resumeSend(send)).map((chunk) => chunk.id).sort()).toEqual([failed.id, released.id]);
      await deliveries.release(resumed);
      expect(await states()).toEqual(
        new Map([
          [failed.id, 'open'],
          [released.id, 'open'],
          [finished.id, 'sent'],
          [resumed.id, 'open'],
        ]),
      );
    });

    it('cancels a chunk claimed when its send is cancelled once its sender releases it, or its lease runs out, and never sends it', async () => {
      const { deliveries } = await stores();
      const send = `now-${unique()}`;
      const released = aChunk({ send, id: `${send}-0` });
      const abandoned = aChunk({ send, id: `${send}-1` });
      await deliveries.addChunks([released, abandoned]);
      await deliveries.claimChunk(released, '2026-11-26T07:01:00.000Z', STALE);
      await deliveries.claimChunk(abandoned, '2026-11-26T07:01:00.000Z', STALE);
      await deliveries.pauseSend(send);

      expect(await deliveries.cancelSend(send)).toBe(0);
      // A resume does not undo a cancel, even of a chunk still claimed.
      await deliveries.resumeSend(send);
      await deliveries.release(released);
      // Fresh: its sender still holds it. Past the lease: no takeover, the chunk is cancelled.
      expect((await deliveries.claimChunk(abandoned, '2026-11-26T07:02:00.000Z', '2026-11-26T07:00:00.000Z')).result).toBe('held');
      expect(await deliveries.claimChunk(abandoned, '2026-11-26T07:20:00.000Z', '2026-11-26T07:10:00.000Z')).toEqual({
        result: 'stopped',
        state: 'cancelled',
      });

      expect((await deliveries.chunksOf(released.slotDay)).map((chunk) => chunk.status)).toEqual(['cancelled', 'cancelled']);
      const listed = (await deliveries.openChunks()).map((chunk) => chunk.id);
      expect(listed).not.toContain(released.id);
      expect(listed).not.toContain(abandoned.id);
    });

    it('reads readers with their watermarks in one go, and keeps delivery records and the last settlement', async () => {
      const { deliveries, subscribers } = await stores();
      const reader = subscriber({ email: `wm-${unique()}@example.com` });
      await subscribers.put(reader);
      const mark = {
        email: reader.email,
        editionId: 'ed-26',
        cutoff: '2026-11-26T06:58:00.000Z',
        date: '2026-11-26',
        sentAt: '2026-11-26T07:01:00.000Z',
      };
      await deliveries.recordDeliveries(
        [mark],
        [
          {
            editionId: 'ed-26',
            email: reader.email,
            status: 'sent',
            claimedAt: mark.sentAt,
            sentAt: mark.sentAt,
            messageId: 'm-1',
            attempts: 1,
          },
        ],
      );

      const found = await deliveries.recipients([reader.email, 'nobody@example.com']);
      expect(found.get(reader.email)).toMatchObject({ subscriber: { email: reader.email }, watermark: mark });
      expect(found.get('nobody@example.com')).toBeUndefined();
      expect((await deliveries.watermarks([reader.email])).get(reader.email)).toEqual(mark);

      expect(await deliveries.lastSettlement()).toBeUndefined();
      const settlement = { at: '2026-11-26T08:00:00.000Z', chunks: 2, confirmed: 30, released: 70 };
      await deliveries.recordSettlement(settlement);
      expect(await deliveries.lastSettlement()).toEqual(settlement);
    });
  });
}

function apiKeyStoreContract(stores: () => Promise<StoreSet>): void {
  describe('ApiKeyStore', () => {
    it('stores a key by its hash and reads it back', async () => {
      const { apiKeys } = await stores();
      const key = { hash: 'a'.repeat(64), name: 'newsroom', createdAt: '2026-11-01T00:00:00.000Z', disabled: false };

      await apiKeys.put(key);

      expect(await apiKeys.get(key.hash)).toEqual(key);
      expect(await apiKeys.get('b'.repeat(64))).toBeUndefined();
    });

    it('lists every stored key, and a put replaces the key it names (revoking)', async () => {
      const { apiKeys } = await stores();
      await apiKeys.put(newApiKeyRecord('dm_one', 'one', '2026-11-26T10:00:00.000Z'));
      const two = newApiKeyRecord('dm_two', 'two', '2026-11-26T10:01:00.000Z');
      await apiKeys.put(two);
      await apiKeys.put({ ...two, disabled: true });

      const listed = await collect(apiKeys.list());

      expect(listed.map((key) => key.name).sort()).toEqual(['one', 'two']);
      expect(await apiKeys.get(two.hash)).toMatchObject({ disabled: true });
    });

    it("keeps a key's expiry, and no expiry for a key without one", async () => {
      const { apiKeys } = await stores();
      const expiring = newApiKeyRecord('dm_expiring', 'trial', '2026-11-26T10:00:00.000Z', '2026-12-26T10:00:00.000Z');
      const lasting = newApiKeyRecord('dm_lasting', 'newsroom', '2026-11-26T10:00:00.000Z');
      await apiKeys.put(expiring);
      await apiKeys.put(lasting);

      expect(await apiKeys.get(expiring.hash)).toEqual(expiring);
      expect(await apiKeys.get(lasting.hash)).not.toHaveProperty('expiresAt');

      const limited = { ...newApiKeyRecord('dm_limited', 'busy', '2026-11-26T10:00:00.000Z'), requestsPerMinute: 60 };
      await apiKeys.put(limited);
      expect(await apiKeys.get(limited.hash)).toEqual(limited);
    });
  });
}

function rateLimiterContract(stores: () => Promise<StoreSet>): void {
  describe('RateLimiter', () => {
    it('allows exactly the limit per window across concurrent callers, then a fresh window, per key', async () => {
      const { rateLimiter } = await stores();
      const now = new Date('2026-11-26T10:15:00.000Z');

      const results = await Promise.all(Array.from({ length: 12 }, () => rateLimiter.hit('ip#abc', 5, 3600, now)));

      expect(results.filter(Boolean)).toHaveLength(5);
      expect(await rateLimiter.hit('ip#abc', 5, 3600, new Date('2026-11-26T10:59:59.000Z'))).toBe(false);
      expect(await rateLimiter.hit('ip#abc', 5, 3600, new Date('2026-11-26T11:00:00.000Z'))).toBe(true);
      expect(await rateLimiter.hit('ip#other', 5, 3600, now)).toBe(true);
    });
  });
}

function personalDataStoreContract(stores: () => Promise<StoreSet>): void {
  const sentRow = (editionId: string, email: string) =>
    ({
      editionId,
      email,
      status: 'sent',
      claimedAt: '2026-11-20T07:00:00.000Z',
      sentAt: '2026-11-20T07:00:01.000Z',
      messageId: 'm',
      attempts: 1,
    }) as const;
  /** An edition that a delivery row can belong to: rows are found through the editions still stored. */
  const anEdition = (id: string, hour: number) =>
    edition({ id, createdAt: new Date(Date.UTC(2026, 10, 20, 0) + hour * 3600_000).toISOString(), status: 'sending', recipients: 1 });

  describe('PersonalDataStore', () => {
    it("lists and erases only one reader's delivery rows across editions, keeping a mark", async () => {
      const { subscribers, deliveries, editions, personalData } = await stores();
      await subscribers.put(subscriber({ email: 'erase.me@example.com' }));
      await subscribers.put(subscriber({ email: 'keep.me@example.com' }));
      // More editions than one BatchGetItem takes; the reader got every fourth one.
      for (let hour = 0; hour < 120; hour += 1) await editions.createIfAbsent(anEdition(`ed-${hour}`, hour));
      // More rows than one BatchWriteItem takes.
      for (let i = 0; i < 30; i += 1) {
        await deliveries.recordDeliveries([], [sentRow(`ed-${i * 4}`, 'erase.me@example.com')]);
      }
      await deliveries.recordDeliveries([], [sentRow('ed-0', 'keep.me@example.com')]);

      const listed = await collect(personalData.deliveriesTo('erase.me@example.com'));
      expect(listed).toHaveLength(30);
      expect(listed.every((row) => row.email === 'erase.me@example.com')).toBe(true);

      expect(await personalData.erase('Erase.Me@example.com', '2026-11-26T10:00:00.000Z')).toEqual({ deliveries: 30 });
      expect(await subscribers.get('erase.me@example.com')).toBeUndefined();
      expect(await collect(personalData.deliveriesTo('erase.me@example.com'))).toEqual([]);
      expect(await collect(personalData.deliveriesTo('keep.me@example.com'))).toHaveLength(1);
      expect(await subscribers.get('keep.me@example.com')).toBeDefined();
      expect(await personalData.isErased('erase.me@example.com')).toBe(true);
      expect(await personalData.isErased('keep.me@example.com')).toBe(false);

      await personalData.clearErasure('erase.me@example.com');
      expect(await personalData.isErased('erase.me@example.com')).toBe(false);
    });

    it('finds and erases rows whatever the case of the address they were sent to', async () => {
      const { deliveries, editions, personalData } = await stores();
      await editions.createIfAbsent(anEdition('ed-mixed', 1));
      await deliveries.recordDeliveries([], [sentRow('ed-mixed', 'Mixed.Case@Example.com')]);

      expect(await collect(personalData.deliveriesTo('mixed.case@example.com'))).toHaveLength(1);
      expect(await personalData.erase('MIXED.CASE@example.com', '2026-11-26T10:00:00.000Z')).toEqual({ deliveries: 1 });
      expect(await collect(personalData.deliveriesTo('mixed.case@example.com'))).toEqual([]);
    });

    it('marks an address never stored as erased, so an import cannot add it later', async () => {
      const { personalData } = await stores();

      expect(await personalData.erase('stranger@example.com', '2026-11-26T10:00:00.000Z')).toEqual({ deliveries: 0 });

      expect(await personalData.isErased('Stranger@Example.com')).toBe(true);
    });

    it('takes an erased reader out of every chunk that still names them, keeping the other readers', async () => {
      const { deliveries, personalData } = await stores();
      const slotDay = { timezone: `Zone/${unique()}`, hour: 7, date: '2026-11-26' };
      const chunk = (id: string, sent: Record<string, string>) => ({
        slotDay,
        id,
        send: 'run-erase',
        editionId: '20261126T065800-20261125T065800',
        emails: ['a@example.com', 'erase.me@example.com', 'b@example.com'],
        status: 'open' as const,
        createdAt: '2026-11-26T07:00:00.000Z',
        attempts: 0,
        sent,
        rejected: {},
      });
      await deliveries.addChunks([
        chunk('run-erase-0', {}),
        chunk('run-erase-1', { 'erase.me@example.com': 'm-1', 'a@example.com': 'm-2' }),
      ]);
      const claim = await deliveries.claimChunk({ slotDay, id: 'run-erase-1' }, '2026-11-26T07:01:00.000Z', '2026-11-26T06:00:00.000Z');
      expect(claim.result).toBe('claimed');

      await personalData.erase('Erase.Me@example.com', '2026-11-26T07:02:00.000Z');

      const after = (await deliveries.chunksOf(slotDay)).sort((x, y) => x.id.localeCompare(y.id));
      expect(after.map((c) => [c.id, c.status, c.emails, c.sent])).toEqual([
        ['run-erase-0', 'open', ['a@example.com', 'b@example.com'], {}],
        ['run-erase-1', 'claimed', ['a@example.com', 'b@example.com'], { 'a@example.com': 'm-2' }],
      ]);
    });
  });
}

function topicCatalogueContract(stores: () => Promise<StoreSet>): void {
  describe('TopicCatalogue', () => {
    const sighting = (key: string, articles = 1) => ({ key, label: key.toUpperCase(), articles });

    it('collects topics with counts and last-seen times, keeps the first label, lists them by key', async () => {
      const { topics } = await stores();
      expect(await topics.list()).toEqual([]);
      await topics.record([sighting('world', 2), sighting('science')], '2026-11-26T10:00:00.000Z');
      await topics.record([], '2026-11-26T10:30:00.000Z');
      await topics.record([{ key: 'science', label: 'science', articles: 3 }, sighting('culture', 0)], '2026-11-26T11:00:00.000Z');
      expect(await topics.list()).toEqual([
        { key: 'culture', label: 'CULTURE', count: 1, lastSeen: '2026-11-26T11:00:00.000Z' },
        { key: 'science', label: 'SCIENCE', count: 4, lastSeen: '2026-11-26T11:00:00.000Z' },
        { key: 'world', label: 'WORLD', count: 2, lastSeen: '2026-11-26T10:00:00.000Z' },
      ]);
    });

    it('keeps at most CATALOGUE_LIMIT topics whatever one batch brings', async () => {
      const { topics } = await stores();
      const flood = Array.from({ length: 1000 }, (_, i) => sighting(`flood ${String(i).padStart(4, '0')} ${'x'.repeat(28)}`));
      await topics.record(flood, '2026-11-26T10:00:00.000Z');
      await topics.record(flood.slice(0, 500), '2026-11-26T11:00:00.000Z');
      const listed = await topics.list();
      expect(listed).toHaveLength(CATALOGUE_LIMIT);
      expect(listed.every((topic) => topic.count === 2)).toBe(true);
    });

    it('loses no topic and no count when records race each other', async () => {
      const { topics } = await stores();
      await Promise.all(
        Array.from({ length: 8 }, (_, i) => topics.record([sighting(`topic-${i}`), sighting('shared')], '2026-11-26T10:00:00.000Z')),
      );
      const listed = await topics.list();
      expect(listed.map((topic) => topic.key)).toEqual(['shared', ...Array.from({ length: 8 }, (_, i) => `topic-${i}`)]);
      expect(listed.find((topic) => topic.key === 'shared')?.count).toBe(8);
    });
  });
}

function sendStatsStoreContract(stores: () => Promise<StoreSet>): void {
  describe('SendStatsStore', () => {
    it('reads zero counts for an edition nobody sent, and adds counts per edition', async () => {
      const { sendStats } = await stores();
      const zeros = await sendStats.get('ed-none');
      expect(Object.values(zeros).every((count) => count === 0)).toBe(true);

      await sendStats.add('ed-1', { sent: 2, failed: 1 });
      await sendStats.add('ed-1', { sent: 3 });
      await sendStats.add('ed-1', {});
      await sendStats.add('ed-2', { sent: 7 });

      expect(await sendStats.get('ed-1')).toEqual({ ...zeros, sent: 5, failed: 1 });
      expect(await sendStats.get('ed-2')).toEqual({ ...zeros, sent: 7 });
    });

    it('counts every add when adds race each other', async () => {
      const { sendStats } = await stores();
      await Promise.all(Array.from({ length: 10 }, () => sendStats.add('ed-race', { sent: 1 })));
      expect((await sendStats.get('ed-race')).sent).toBe(10);
    });

    it("counts a send's results per edition, apart from every other send and from the edition's own counters", async () => {
      const { sendStats } = await stores();
      const send = `now-${unique()}`;
      const other = `now-${unique()}`;
      expect(await sendStats.sendResults(send)).toEqual([]);

      await sendStats.addToSend(send, 'ed-a', { sent: 3, delivered: 2 });
      await sendStats.addToSend(send, 'ed-a', { bouncedPermanent: 1, bouncedTransient: 0 });
      await sendStats.addToSend(send, 'ed-b', { sent: 1, complained: 1, unsubscribedOneClick: 1, unsubscribedPage: 2 });
      await sendStats.addToSend(other, 'ed-a', { sent: 50 });
      await sendStats.addOpen({ send, editionId: 'ed-b', unique: true });
      await sendStats.addOpen({ send, editionId: 'ed-b', unique: false });

      const results = await sendStats.sendResults(send);
      const byEdition = Object.fromEntries(results.map((row) => [row.editionId, row]));
      expect(Object.keys(byEdition).sort()).toEqual(['ed-a', 'ed-b']);
      expect(byEdition['ed-a']).toEqual({
        editionId: 'ed-a',
        counts: { ...zeroResults(), sent: 3, delivered: 2, bouncedPermanent: 1 },
        stories: [],
      });
      expect(byEdition['ed-b']?.counts).toEqual({
        ...zeroResults(),
        sent: 1,
        complained: 1,
        unsubscribedOneClick: 1,
        unsubscribedPage: 2,
        opens: 2,
        uniqueOpens: 1,
      });
      expect((await sendStats.sendResults(other)).map((row) => row.counts.sent)).toEqual([50]);
      expect((await sendStats.get('ed-a')).sent).toBe(0);
    });

    it('counts clicks per story and in all, unique ones apart, also when clicks race', async () => {
      const { sendStats } = await stores();
      const send = `hourly-${unique()}`;
      await Promise.all([
        ...Array.from({ length: 6 }, (_, i) => sendStats.addClick({ send, editionId: 'ed-c', story: 2, unique: i < 4 })),
        sendStats.addClick({ send, editionId: 'ed-c', story: 0, unique: true }),
        sendStats.addClick({ send, editionId: 'ed-d', story: 0, unique: false }),
      ]);

      const byEdition = Object.fromEntries((await sendStats.sendResults(send)).map((row) => [row.editionId, row]));
      expect(byEdition['ed-c']?.counts).toEqual({ ...zeroResults(), clicks: 7, uniqueClicks: 5 });
      expect(byEdition['ed-c']?.stories).toEqual([
        { story: 0, clicks: 1, uniqueClicks: 1 },
        { story: 2, clicks: 6, uniqueClicks: 4 },
      ]);
      expect(byEdition['ed-d']?.stories).toEqual([{ story: 0, clicks: 1, uniqueClicks: 0 }]);
    });

    it('reports the last time the daily quota ran out', async () => {
      const { sendStats } = await stores();
      expect(await sendStats.lastQuotaExhausted()).toBeUndefined();

      await sendStats.recordQuotaExhausted('2026-11-26T09:00:00.000Z', 'Max24HourSend reached');
      await sendStats.recordQuotaExhausted('2026-11-26T10:00:00.000Z', 'Max24HourSend reached again');

      expect(await sendStats.lastQuotaExhausted()).toEqual({ at: '2026-11-26T10:00:00.000Z', detail: 'Max24HourSend reached again' });
    });
  });
}
