/**
 * What only the DynamoDB adapters behind the preference centre and the subscribe limits do, on
 * dynalite: TTLs and the erasure mark's item. Their behaviour as stores is in the store contract
 * (test/support/store-contract.ts, run by dynamo-stores.test.ts).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberKey } from '../../functions/adapters/dynamo/keys.ts';
import { addressHash, DynamoPersonalDataStore } from '../../functions/adapters/dynamo/personal-data-store.ts';
import { DynamoRateLimiter } from '../../functions/adapters/dynamo/rate-limiter.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
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
  it('counts concurrent hits in one counter item per window, with a TTL on it', async () => {
    const limiter = new DynamoRateLimiter(dynamo.doc, dynamo.tableName);
    const now = new Date('2026-11-26T10:15:00.000Z');
    const results = await Promise.all(Array.from({ length: 12 }, () => limiter.hit('ip#abc', 5, 3600, now)));
    expect(results.filter(Boolean)).toHaveLength(5);
    const windowStart = Date.parse('2026-11-26T10:00:00.000Z') / 1000;
    expect(await rawItem({ pk: `RATE#ip#abc#${windowStart}`, sk: 'RATE' })).toMatchObject({
      hits: 5,
      expiresAt: windowStart + 2 * 3600,
    });
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
});

describe('DynamoPersonalDataStore', () => {
  it('keeps only a hash of an erased address', async () => {
    const personal = new DynamoPersonalDataStore(dynamo.doc, dynamo.tableName);
    await new DynamoSubscriberStore(dynamo.doc, dynamo.tableName).put(aSubscriber({ email: 'erase.me@example.com' }));

    await personal.erase('Erase.Me@example.com', '2026-11-26T10:00:00.000Z');

    const mark = await rawItem({ pk: `ERASED#${addressHash('erase.me@example.com')}`, sk: 'ERASED' });
    expect(mark).toBeDefined();
    expect(JSON.stringify(mark)).not.toContain('erase.me');
  });
});
