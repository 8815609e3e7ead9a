/**
 * What only the DynamoDB adapters behind the preference centre and the subscribe limits do, on
 * dynalite: TTLs and the erasure mark's item. Their behaviour as stores is in the store contract
 * (test/support/store-contract.ts, run by dynamo-stores.test.ts).
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberKey } from '../../functions/adapters/dynamo/keys.ts';
import { DynamoPersonalDataStore } from '../../functions/adapters/dynamo/personal-data-store.ts';
import { ErasureMarks } from '../../functions/adapters/dynamo/erasure-marks.ts';
import { DynamoSubscriberBulk } from '../../functions/adapters/dynamo/subscriber-bulk.ts';
import { DynamoRateLimiter } from '../../functions/adapters/dynamo/rate-limiter.ts';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamo/delivery-ledger.ts';
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

const SECRET = 'erasure-marks-test-secret-0123456789abcdef';
const marks = new ErasureMarks(SECRET);
const sha256 = (email: string) => createHash('sha256').update(email, 'utf8').digest('hex');

/** A marker as erasures wrote it before keyed hashes: the bare sha256 of the address. */
async function legacyMarker(email: string): Promise<{ pk: string; sk: string }> {
  const key = { pk: `ERASED#${sha256(email)}`, sk: 'ERASED' };
  await dynamo.doc.send(new PutCommand({ TableName: dynamo.tableName, Item: { ...key, erasedAt: '2026-01-02T03:04:05.000Z' } }));
  return key;
}

describe('DynamoPersonalDataStore data download', () => {
  it("finds every item in the reader's partition: the watermark beside the subscriber item", async () => {
    const email = 'download.me@example.com';
    await new DynamoSubscriberStore(dynamo.doc, dynamo.tableName).put(aSubscriber({ email }));
    const mark = { email, editionId: 'ed-1', cutoff: '2026-11-25T07:00:00.000Z', date: '2026-11-25', sentAt: '2026-11-25T07:00:01.000Z' };
    await new DynamoDeliveryLedger(dynamo.doc, dynamo.tableName).recordDeliveries([mark], []);
    const personal = new DynamoPersonalDataStore(dynamo.doc, dynamo.tableName, marks);

    expect(await personal.watermarkOf(email)).toEqual(mark);
    const { Items } = await dynamo.doc.send(
      new QueryCommand({
        TableName: dynamo.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': subscriberKey(email).pk },
      }),
    );
    // Each kind of item in the reader's partition is one the download carries (subscriber, watermark).
    expect((Items ?? []).map((item) => item['sk']).sort()).toEqual(['SUB', 'WM']);
    await personal.erase(email, '2026-11-26T10:00:00.000Z');
    expect(await personal.watermarkOf(email)).toBeUndefined();
  });
});

describe('DynamoPersonalDataStore erasure markers', () => {
  it('keeps only a keyed hash of an erased address: hashing the address finds nothing', async () => {
    const personal = new DynamoPersonalDataStore(dynamo.doc, dynamo.tableName, marks);
    await new DynamoSubscriberStore(dynamo.doc, dynamo.tableName).put(aSubscriber({ email: 'erase.me@example.com' }));

    await personal.erase('Erase.Me@example.com', '2026-11-26T10:00:00.000Z');

    expect(await rawItem({ pk: `ERASED#${sha256('erase.me@example.com')}`, sk: 'ERASED' })).toBeUndefined();
    const mark = await rawItem(marks.keyFor('erase.me@example.com'));
    expect(mark).toMatchObject({ erasedAt: '2026-11-26T10:00:00.000Z' });
    expect(String(mark?.['pk'])).toMatch(/^ERASED#k1\.[0-9a-f]{64}$/);
    expect(JSON.stringify(mark)).not.toContain('erase.me');
    expect(await personal.isErased('erase.me@example.com')).toBe(true);
    expect(
      await new DynamoPersonalDataStore(dynamo.doc, dynamo.tableName, new ErasureMarks(`${SECRET}-other`)).isErased('erase.me@example.com'),
    ).toBe(false);
  });

  it('honours a marker stored as a plain sha256, and moves it to its keyed place when the address is seen', async () => {
    const personal = new DynamoPersonalDataStore(dynamo.doc, dynamo.tableName, marks);
    const legacy = await legacyMarker('old.erasure@example.com');

    expect(await personal.isErased('Old.Erasure@example.com')).toBe(true);

    expect(await rawItem(legacy)).toBeUndefined();
    expect(await rawItem(marks.keyFor('old.erasure@example.com'))).toMatchObject({ erasedAt: '2026-01-02T03:04:05.000Z' });
    expect(await personal.isErased('old.erasure@example.com')).toBe(true);
  });

  it('an import refuses an address with a plain-sha256 marker as erased', async () => {
    const legacy = await legacyMarker('old.import@example.com');
    const bulk = new DynamoSubscriberBulk(dynamo.doc, dynamo.tableName, marks);

    const result = await bulk.importNew([aSubscriber({ email: 'old.import@example.com' })]);

    expect(result).toMatchObject({ written: 0, erased: ['old.import@example.com'] });
    expect(await rawItem(legacy)).toBeUndefined();
    expect(await rawItem(marks.keyFor('old.import@example.com'))).toBeDefined();
  });

  it('rewrites every plain-sha256 marker as a keyed one in one pass, converting without the addresses; a second pass finds none', async () => {
    const legacies = await Promise.all(['a.one@example.com', 'b.two@example.com'].map(legacyMarker));

    expect(await marks.rehashAll(dynamo.doc, dynamo.tableName)).toBeGreaterThanOrEqual(2);

    for (const legacy of legacies) expect(await rawItem(legacy)).toBeUndefined();
    const personal = new DynamoPersonalDataStore(dynamo.doc, dynamo.tableName, marks);
    expect(await personal.isErased('a.one@example.com')).toBe(true);
    expect(await personal.isErased('b.two@example.com')).toBe(true);
    expect(await marks.rehashAll(dynamo.doc, dynamo.tableName)).toBe(0);
  });
});
