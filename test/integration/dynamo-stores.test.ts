import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApiKeyStore } from '../../functions/adapters/dynamo/api-key-store.ts';
import { DynamoArticleStore } from '../../functions/adapters/dynamo/article-store.ts';
import { ensureTable } from '../../functions/adapters/dynamo/create-table.ts';
import { DeliveryStateError, DynamoDeliveryStore } from '../../functions/adapters/dynamo/delivery-store.ts';
import { DynamoEditionStore } from '../../functions/adapters/dynamo/edition-store.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { EditionNotFoundError } from '../../functions/core/edition/errors.ts';
import { CorruptRecordError } from '../../functions/core/shared/errors.ts';
import type { Article } from '../../functions/core/ingest/types.ts';
import type { Edition } from '../../functions/core/edition/types.ts';
import type { Subscriber, TimeSlot } from '../../functions/core/subscribers/types.ts';
import { type LocalDynamo, startTestDynamo } from '../support/dynamo.ts';

let dynamo: LocalDynamo;
let articles: DynamoArticleStore;
let subscribers: DynamoSubscriberStore;
let editions: DynamoEditionStore;
let deliveries: DynamoDeliveryStore;
let apiKeys: DynamoApiKeyStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  articles = new DynamoArticleStore(dynamo.doc, dynamo.tableName);
  subscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName, { now: () => new Date('2026-11-26T07:00:05Z') });
  editions = new DynamoEditionStore(dynamo.doc, dynamo.tableName);
  deliveries = new DynamoDeliveryStore(dynamo.doc, dynamo.tableName);
  apiKeys = new DynamoApiKeyStore(dynamo.doc, dynamo.tableName);
});

afterAll(async () => {
  await dynamo?.stop();
});

const unique = () => randomUUID().replaceAll('-', '');

function article(ingestedAt: string, overrides: Partial<Article> = {}): Article {
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

function subscriber(overrides: Partial<Subscriber> = {}): Subscriber {
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

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function dueEmails(slots: TimeSlot[]): Promise<string[]> {
  return (await collect(subscribers.listDue(slots))).map((reader) => reader.email).sort();
}

/** Reads GSI2 itself: listDue filters on status too, which would hide a reader wrongly left in the index. */
async function slotIndexEmails(slot: TimeSlot): Promise<string[]> {
  const { Items = [] } = await dynamo.doc.send(
    new QueryCommand({
      TableName: dynamo.tableName,
      IndexName: 'GSI2',
      KeyConditionExpression: 'gsi2pk = :slot',
      ExpressionAttributeValues: { ':slot': `SLOT#${slot.timezone}#${slot.hour}` },
    }),
  );
  return Items.map((item) => String(item['email'])).sort();
}

describe('ensureTable', () => {
  it('leaves an existing table as it is when called again', async () => {
    const stored = article('2026-11-20T10:00:00.000Z');
    await articles.putIfAbsent(stored);

    await ensureTable(dynamo.client, dynamo.tableName);

    expect(await articles.putIfAbsent(stored)).toBe('duplicate');
  });
});

describe('DynamoArticleStore', () => {
  it('creates an article once and reports the second put as a duplicate', async () => {
    const stored = article('2026-11-10T10:00:00.000Z');

    expect(await articles.putIfAbsent(stored)).toBe('created');
    expect(await articles.putIfAbsent({ ...stored, title: 'Another title' })).toBe('duplicate');

    const listed = await collect(articles.listIngested('2026-11-10T09:00:00.000Z', '2026-11-10T11:00:00.000Z'));
    expect(listed).toEqual([stored]);
  });

  it('lets exactly one of ten concurrent puts of the same article win', async () => {
    const stored = article('2026-11-11T10:00:00.000Z');

    const results = await Promise.all(Array.from({ length: 10 }, () => articles.putIfAbsent({ ...stored })));

    expect(results.filter((result) => result === 'created')).toHaveLength(1);
    expect(results.filter((result) => result === 'duplicate')).toHaveLength(9);
  });

  it('lists articles after since and up to cutoff across a UTC day boundary, oldest first', async () => {
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
    const inside = article('2026-11-16T07:00:00.500Z');
    await articles.putIfAbsent(inside);

    expect(await collect(articles.listIngested('2026-11-16T08:00:00+01:00', '2026-11-16T07:00:01Z'))).toEqual([
      inside,
    ]);
    expect(await collect(articles.listIngested('2026-11-16T06:00:00Z', '2026-11-16T07:00:00Z'))).toEqual([]);
  });

  it('finds recent articles for a reader whose watermark is years old', async () => {
    const recent = article('2026-11-22T10:00:00.000Z');
    await articles.putIfAbsent(recent);

    const listed = await collect(articles.listIngested('2001-01-01T00:00:00.000Z', '2026-11-22T10:00:00.000Z'));

    expect(listed.map((item) => item.id)).toContain(recent.id);
  });

  it('yields nothing when since is not before cutoff', async () => {
    await articles.putIfAbsent(article('2026-11-17T10:00:00.000Z'));

    expect(await collect(articles.listIngested('2026-11-17T11:00:00.000Z', '2026-11-17T09:00:00.000Z'))).toEqual([]);
  });

  it('reads every page when one day holds more than a 1 MB query page', async () => {
    const bulky = 'x'.repeat(300_000);
    const stored = Array.from({ length: 5 }, (_, index) =>
      article(`2026-11-18T10:00:0${index}.000Z`, { text: bulky }),
    );
    for (const item of stored) await articles.putIfAbsent(item);

    const listed = await collect(articles.listIngested('2026-11-18T00:00:00.000Z', '2026-11-18T23:00:00.000Z'));

    expect(listed.map((item) => item.id)).toEqual(stored.map((item) => item.id));
  });

  it('keeps optional fields and omits the ones that were never set', async () => {
    const full = article('2026-11-19T10:00:00.000Z', {
      publishedAt: '2026-11-19T08:00:00.000Z',
      language: 'en',
      imageUrl: 'https://example.com/a.jpg',
      truncated: true,
    });
    const bare = article('2026-11-19T10:00:01.000Z', { url: undefined, topics: [] });
    await articles.putIfAbsent(full);
    await articles.putIfAbsent(bare);

    const [readFull, readBare] = await collect(
      articles.listIngested('2026-11-19T00:00:00.000Z', '2026-11-19T23:00:00.000Z'),
    );

    expect(readFull).toEqual(full);
    expect(readBare).not.toHaveProperty('url');
    expect(readBare).toEqual({ ...bare, url: undefined });
  });
});

describe('DynamoSubscriberStore', () => {
  it('keeps the due-slot index in step with status and send hour', async () => {
    const timezone = 'America/Chicago';
    const pending = subscriber({ timezone, sendHour: 6 });
    const confirmed = subscriber({ timezone, sendHour: 6, status: 'confirmed', confirmedAt: '2026-11-02T10:00:00.000Z' });
    await subscribers.put(pending);
    await subscribers.put(confirmed);
    const six = { timezone, hour: 6 };
    const nine = { timezone, hour: 9 };

    expect(await dueEmails([six])).toEqual([confirmed.email]);
    expect(await slotIndexEmails(six)).toEqual([confirmed.email]);

    await subscribers.put({ ...confirmed, sendHour: 9 });
    expect(await dueEmails([six])).toEqual([]);
    expect(await slotIndexEmails(six)).toEqual([]);
    expect(await dueEmails([nine])).toEqual([confirmed.email]);

    await subscribers.put({ ...confirmed, sendHour: 9, status: 'unsubscribed' });
    expect(await dueEmails([six, nine])).toEqual([]);
    expect(await slotIndexEmails(nine)).toEqual([]);
    expect(await subscribers.get(confirmed.email)).toMatchObject({ status: 'unsubscribed', sendHour: 9 });
  });

  it('lists due readers of several slots once each, and only those slots', async () => {
    const zone = 'Asia/Kolkata';
    const readers = Array.from({ length: 12 }, (_, index) =>
      subscriber({ timezone: zone, sendHour: index, status: 'confirmed' }),
    );
    for (const reader of readers) await subscribers.put(reader);
    const slots = Array.from({ length: 10 }, (_, hour) => ({ timezone: zone, hour }));

    const due = await dueEmails([...slots, slots[0]!]);

    expect(due).toEqual(readers.slice(0, 10).map((reader) => reader.email).sort());
  });

  it('lists every confirmed reader and no one else', async () => {
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
    const reader = subscriber({ consent: { at: '2026-11-01T10:00:00.000Z', ip: '203.0.113.9', userAgent: 'UA' } });
    await subscribers.put(reader);

    expect(await subscribers.get(reader.email.toUpperCase())).toEqual(reader);
    expect(await subscribers.get(`nobody-${unique()}@example.com`)).toBeUndefined();
  });

  it('moves the digest watermark forward and never backwards', async () => {
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

  it('keeps a digest recorded between a reader\'s read and their put (preferences racing a send)', async () => {
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
    const reader = subscriber({ status: 'unsubscribed', unsubscribedAt: '2026-11-20T00:00:00.000Z', lastDigestCutoff: '2026-11-19T07:00:00.000Z', lastEditionId: 'ed-19' });
    await subscribers.put(reader);
    expect(await subscribers.get(reader.email)).toMatchObject({ lastEditionId: 'ed-19' });

    const { unsubscribedAt: _dropped, ...resubscribed } = reader;
    await subscribers.put({ ...resubscribed, status: 'pending' });
    const stored = await subscribers.get(reader.email);
    expect(stored?.status).toBe('pending');
    expect(stored?.unsubscribedAt).toBeUndefined();
  });

  it('lists the zones of confirmed readers, as stored, for the hourly run', async () => {
    await subscribers.put(subscriber({ status: 'pending', timezone: 'Pacific/Chatham' }));
    await subscribers.put(subscriber({ status: 'confirmed', timezone: 'Asia/Kolkata' }));
    await subscribers.put(subscriber({ status: 'confirmed', timezone: 'Asia/Kolkata' }));
    const zones = await subscribers.listTimeZones();
    expect(zones).toContain('Asia/Kolkata');
    expect(zones.filter((zone) => zone === 'Asia/Kolkata')).toHaveLength(1);
    expect(zones).not.toContain('Pacific/Chatham');
  });

  it('does not create a reader when recording a digest for an unknown address', async () => {
    const email = `gone-${unique()}@example.com`;

    await subscribers.recordDigest(email, 'ed-26', '2026-11-26T07:00:00.000Z');

    expect(await subscribers.get(email)).toBeUndefined();
  });
});

describe('DynamoEditionStore', () => {
  it('creates an edition once and hands the stored one to a second planner', async () => {
    const first = edition();

    const created = await editions.createIfAbsent(first);
    const second = await editions.createIfAbsent({ ...first, subject: 'A different subject', placeholderNonce: 'other' });

    expect(created).toEqual({ edition: first, created: true });
    expect(second).toEqual({ edition: first, created: false });
    expect(await editions.get(first.id)).toEqual(first);
  });

  it('updates status and recipients, and refuses to update an edition that does not exist', async () => {
    const stored = edition();
    await editions.createIfAbsent(stored);

    await editions.setStatus(stored.id, 'sending', 1234);

    expect(await editions.get(stored.id)).toMatchObject({ status: 'sending', recipients: 1234 });
    await expect(editions.setStatus(`missing-${unique()}`, 'sending', 1)).rejects.toBeInstanceOf(EditionNotFoundError);
  });

  it('lists the most recent editions first, up to the limit, across query pages', async () => {
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
});

describe('DynamoDeliveryStore', () => {
  const job = () => ({ editionId: `ed-${unique()}`, email: `to-${unique()}@example.com` });

  it('claims a recipient once and reports the second claim as a duplicate', async () => {
    const delivery = job();

    expect(await deliveries.claim(delivery, '2026-11-26T07:01:00.000Z')).toBe('claimed');
    expect(await deliveries.claim(delivery, '2026-11-26T07:02:00.000Z')).toBe('duplicate');
    expect(await deliveries.get(delivery)).toEqual({
      ...delivery,
      status: 'claimed',
      claimedAt: '2026-11-26T07:01:00.000Z',
      attempts: 1,
    });
  });

  it('lets exactly one of ten concurrent claims win', async () => {
    const delivery = job();

    const results = await Promise.all(
      Array.from({ length: 10 }, () => deliveries.claim(delivery, '2026-11-26T07:01:00.000Z')),
    );

    expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
  });

  it('lets a failed delivery be claimed again and counts the attempt', async () => {
    const delivery = job();
    await deliveries.claim(delivery, '2026-11-26T07:01:00.000Z');
    await deliveries.markFailed(delivery, `Throttling: ${'e'.repeat(1000)}`, '2026-11-26T07:01:01.000Z');

    const failed = await deliveries.get(delivery);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.error).toHaveLength(500);

    expect(await deliveries.claim(delivery, '2026-11-26T07:05:00.000Z')).toBe('claimed');
    const reclaimed = await deliveries.get(delivery);
    expect(reclaimed).toMatchObject({ status: 'claimed', attempts: 2, claimedAt: '2026-11-26T07:05:00.000Z' });
    expect(reclaimed).not.toHaveProperty('error');
  });

  it('records the message id of a sent delivery, which then cannot be claimed or failed', async () => {
    const delivery = job();
    await deliveries.claim(delivery, '2026-11-26T07:01:00.000Z');

    await deliveries.markSent(delivery, 'msg-1', '2026-11-26T07:01:02.000Z');
    await deliveries.markSent(delivery, 'msg-1', '2026-11-26T07:01:03.000Z');
    await deliveries.markFailed(delivery, 'late error', '2026-11-26T07:01:04.000Z');

    expect(await deliveries.claim(delivery, '2026-11-26T08:00:00.000Z')).toBe('duplicate');
    expect(await deliveries.get(delivery)).toMatchObject({
      status: 'sent',
      messageId: 'msg-1',
      sentAt: '2026-11-26T07:01:02.000Z',
      attempts: 1,
    });
  });

  it('refuses to mark sent a delivery that was never claimed', async () => {
    const delivery = job();

    await expect(deliveries.markSent(delivery, 'msg-x', '2026-11-26T07:01:02.000Z')).rejects.toBeInstanceOf(
      DeliveryStateError,
    );
    expect(await deliveries.get(delivery)).toBeUndefined();
  });
});

describe('DynamoApiKeyStore', () => {
  it('stores a key by its hash and reads it back', async () => {
    const key = { hash: 'a'.repeat(64), name: 'newsroom', createdAt: '2026-11-01T00:00:00.000Z', disabled: false };

    await apiKeys.put(key);

    expect(await apiKeys.get(key.hash)).toEqual(key);
    expect(await apiKeys.get('b'.repeat(64))).toBeUndefined();
  });
});

describe('items that do not match their schema', () => {
  it('raises CorruptRecordError naming the key when a reader is read back damaged', async () => {
    const email = `damaged-${unique()}@example.com`;
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: { pk: `SUB#${email}`, sk: 'SUB', email, status: 'confirmed', sendHour: 'seven' },
      }),
    );

    const read = subscribers.get(email);

    await expect(read).rejects.toBeInstanceOf(CorruptRecordError);
    await expect(read).rejects.toThrow(`SUB#${email}`);
  });

  it('raises CorruptRecordError while listing a damaged article from the day index', async () => {
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: { pk: 'ART#broken', sk: 'ART', gsi1pk: 'DAY#2026-11-21', gsi1sk: '2026-11-21T10:00:00.000Z#broken', title: 7 },
      }),
    );

    await expect(
      collect(articles.listIngested('2026-11-21T00:00:00.000Z', '2026-11-21T23:00:00.000Z')),
    ).rejects.toThrow(/ART#broken[\s\S]*title/);
  });
});
