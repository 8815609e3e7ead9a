/** The DynamoDB adapters behind the preference centre and the subscribe limits, on dynalite. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApiKeyStore } from '../../functions/adapters/dynamo/api-key-store.ts';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo/delivery-store.ts';
import { DynamoEditionStore } from '../../functions/adapters/dynamo/edition-store.ts';
import { subscriberKey } from '../../functions/adapters/dynamo/keys.ts';
import { addressHash, DynamoPersonalDataStore } from '../../functions/adapters/dynamo/personal-data-store.ts';
import { DynamoRateLimiter } from '../../functions/adapters/dynamo/rate-limiter.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { DynamoTopicCatalogue } from '../../functions/adapters/dynamo/topic-catalogue.ts';
import { newApiKeyRecord } from '../../functions/core/ingest/api-keys.ts';
import type { Edition } from '../../functions/core/edition/types.ts';
import { aSubscriber } from '../support/fakes.ts';
import { startDynalite, type LocalDynamo } from '../support/dynamo.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo?.stop();
});

const rawItem = async (key: { pk: string; sk: string }) =>
  (await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: key }))).Item;

describe('DynamoRateLimiter', () => {
  it('allows exactly the limit per window across concurrent callers, with a TTL on the counter', async () => {
    const limiter = new DynamoRateLimiter(dynamo.doc, dynamo.tableName);
    const now = new Date('2026-11-26T10:15:00.000Z');
    const results = await Promise.all(Array.from({ length: 12 }, () => limiter.hit('ip#abc', 5, 3600, now)));
    expect(results.filter(Boolean)).toHaveLength(5);
    const windowStart = Date.parse('2026-11-26T10:00:00.000Z') / 1000;
    expect(await rawItem({ pk: `RATE#ip#abc#${windowStart}`, sk: 'RATE' })).toMatchObject({
      hits: 5,
      expiresAt: windowStart + 2 * 3600,
    });
    expect(await limiter.hit('ip#abc', 5, 3600, new Date('2026-11-26T11:00:00.000Z'))).toBe(true);
    expect(await limiter.hit('ip#other', 5, 3600, now)).toBe(true);
  });
});

describe('DynamoSubscriberStore and pending expiry', () => {
  it('puts a TTL on a pending record 7 days after consent, and takes it off once confirmed', async () => {
    const store = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName);
    const consentAt = '2026-11-26T10:00:00.000Z';
    const pending = aSubscriber({ email: 'ttl@example.com', status: 'pending', consent: { at: consentAt } });
    await store.put(pending);
    expect((await rawItem(subscriberKey('ttl@example.com')))?.['expiresAt']).toBe(Date.parse(consentAt) / 1000 + 7 * 86_400);
    await store.put({ ...pending, status: 'confirmed' });
    expect((await rawItem(subscriberKey('ttl@example.com')))?.['expiresAt']).toBeUndefined();
  });

  it('reads back the preference fields and old records without them', async () => {
    const store = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName);
    await store.put(aSubscriber({ email: 'old@example.com' }));
    expect((await store.get('old@example.com'))?.frequency).toBeUndefined();
    await store.put(
      aSubscriber({ email: 'new@example.com', frequency: 'weekly', weeklyDay: 3, pausedUntil: '2026-12-01', tokenVersion: 2 }),
    );
    expect(await store.get('new@example.com')).toMatchObject({ frequency: 'weekly', weeklyDay: 3, pausedUntil: '2026-12-01', tokenVersion: 2 });
    await store.put(aSubscriber({ email: 'new@example.com', frequency: 'weekly', weeklyDay: 3, tokenVersion: 2 }));
    expect((await store.get('new@example.com'))?.pausedUntil).toBeUndefined();
  });
});

function anEdition(hour: number): Edition {
  const cutoff = new Date(Date.UTC(2026, 10, 20, 0) + hour * 3600_000).toISOString();
  return {
    id: `ed-${hour}`,
    since: '2026-11-19T00:00:00.000Z',
    cutoff,
    createdAt: cutoff,
    subject: 'Digest',
    preheader: '',
    stories: [],
    moreStories: [],
    html: '<p>digest</p>',
    text: 'digest',
    placeholderNonce: 'nonce',
    status: 'sending',
    recipients: 1,
  };
}

describe('DynamoPersonalDataStore', () => {
  it("lists and erases only one reader's delivery rows across editions, keeping a hashed mark", async () => {
    const subscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName);
    const deliveries = new DynamoDeliveryStore(dynamo.doc, dynamo.tableName);
    const editions = new DynamoEditionStore(dynamo.doc, dynamo.tableName);
    const personal = new DynamoPersonalDataStore(dynamo.doc, dynamo.tableName);
    await subscribers.put(aSubscriber({ email: 'erase.me@example.com' }));
    await subscribers.put(aSubscriber({ email: 'keep.me@example.com' }));
    // More editions than one BatchGetItem takes; the reader got every fourth one.
    for (let hour = 0; hour < 120; hour += 1) await editions.createIfAbsent(anEdition(hour));
    // More rows than one BatchWriteItem takes.
    for (let i = 0; i < 30; i += 1) {
      await deliveries.claim({ editionId: `ed-${i * 4}`, email: 'erase.me@example.com' }, '2026-11-20T07:00:00.000Z');
    }
    await deliveries.claim({ editionId: 'ed-0', email: 'keep.me@example.com' }, '2026-11-20T07:00:00.000Z');

    const listed = [];
    for await (const row of personal.deliveriesTo('erase.me@example.com')) listed.push(row);
    expect(listed).toHaveLength(30);

    expect(await personal.erase('Erase.Me@example.com', '2026-11-26T10:00:00.000Z')).toEqual({ deliveries: 30 });
    expect(await subscribers.get('erase.me@example.com')).toBeUndefined();
    expect(await deliveries.get({ editionId: 'ed-0', email: 'keep.me@example.com' })).toBeDefined();
    expect(await personal.isErased('erase.me@example.com')).toBe(true);
    const mark = await rawItem({ pk: `ERASED#${addressHash('erase.me@example.com')}`, sk: 'ERASED' });
    expect(JSON.stringify(mark)).not.toContain('erase.me');

    await personal.clearErasure('erase.me@example.com');
    expect(await personal.isErased('erase.me@example.com')).toBe(false);
  });
});

describe('DynamoTopicCatalogue and key listing', () => {
  it('collects topics into one set item and lists them sorted', async () => {
    const topics = new DynamoTopicCatalogue(dynamo.doc, dynamo.tableName);
    expect(await topics.list()).toEqual([]);
    await topics.add(['world', 'science']);
    await topics.add([]);
    await topics.add(['science', 'culture']);
    expect(await topics.list()).toEqual(['culture', 'science', 'world']);
  });

  it('lists every stored API key', async () => {
    const keys = new DynamoApiKeyStore(dynamo.doc, dynamo.tableName);
    await keys.put(newApiKeyRecord('dm_one', 'one', '2026-11-26T10:00:00.000Z'));
    await keys.put({ ...newApiKeyRecord('dm_two', 'two', '2026-11-26T10:01:00.000Z'), disabled: true });
    const listed = [];
    for await (const key of keys.list()) listed.push(key.name);
    expect(listed.sort()).toEqual(['one', 'two']);
  });
});
