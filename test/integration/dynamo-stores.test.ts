/**
 * The DynamoDB stores: the store contract every implementation keeps (test/support/store-contract.ts),
 * then what only the table has: index items, query pages, damaged items, adapter error classes.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApiKeyStore } from '../../functions/adapters/dynamo/api-key-store.ts';
import { DynamoArticleStore } from '../../functions/adapters/dynamo/article-store.ts';
import { ensureTable } from '../../functions/adapters/dynamo/create-table.ts';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamo/delivery-ledger.ts';
import { DynamoEditionStore } from '../../functions/adapters/dynamo/edition-store.ts';
import { DynamoPersonalDataStore } from '../../functions/adapters/dynamo/personal-data-store.ts';
import { ErasureMarks } from '../../functions/adapters/dynamo/erasure-marks.ts';
import { DynamoRateLimiter } from '../../functions/adapters/dynamo/rate-limiter.ts';
import { DynamoSendStatsStore } from '../../functions/adapters/dynamo/send-stats-store.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { DynamoTopicCatalogue } from '../../functions/adapters/dynamo/topic-catalogue.ts';
import { CorruptRecordError } from '../../functions/core/shared/errors.ts';
import type { TimeSlot } from '../../functions/core/subscribers/types.ts';
import { type LocalDynamo, startTestDynamo } from '../support/dynamo.ts';
import { DynamoSourceStore } from '../../functions/adapters/dynamo/source-store.ts';
import { article, collect, describeStoreContract, subscriber, unique } from '../support/store-contract.ts';

let dynamo: LocalDynamo;
let articles: DynamoArticleStore;
let subscribers: DynamoSubscriberStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  articles = new DynamoArticleStore(dynamo.doc, dynamo.tableName);
  subscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName);
});

afterAll(async () => {
  await dynamo?.stop();
});

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

describeStoreContract(`DynamoDB (${process.env['TEST_DYNAMO_BACKEND'] ?? 'dynalite'})`, async (clock) => {
  // A table per case, so each starts empty as the in-memory stores do.
  const tableName = `contract-${unique()}`;
  await ensureTable(dynamo.client, tableName);
  return {
    articles: new DynamoArticleStore(dynamo.doc, tableName),
    subscribers: new DynamoSubscriberStore(dynamo.doc, tableName, clock),
    editions: new DynamoEditionStore(dynamo.doc, tableName),
    deliveries: new DynamoDeliveryLedger(dynamo.doc, tableName),
    apiKeys: new DynamoApiKeyStore(dynamo.doc, tableName),
    rateLimiter: new DynamoRateLimiter(dynamo.doc, tableName),
    personalData: new DynamoPersonalDataStore(dynamo.doc, tableName, new ErasureMarks('store-contract-secret-0123456789abcdef')),
    topics: new DynamoTopicCatalogue(dynamo.doc, tableName),
    sendStats: new DynamoSendStatsStore(dynamo.doc, tableName, () => clock.now().toISOString()),
    sources: new DynamoSourceStore(dynamo.doc, tableName),
  };
});

describe('DynamoArticleStore', () => {
  it('reads every page when one day holds more than a 1 MB query page', async () => {
    const bulky = 'x'.repeat(300_000);
    const stored = Array.from({ length: 5 }, (_, index) => article(`2026-11-18T10:00:0${index}.000Z`, { text: bulky }));
    for (const item of stored) await articles.putIfAbsent(item);

    const listed = await collect(articles.listIngested('2026-11-18T00:00:00.000Z', '2026-11-18T23:00:00.000Z'));

    expect(listed.map((item) => item.id)).toEqual(stored.map((item) => item.id));
  });
});

describe('DynamoSubscriberStore', () => {
  it('keeps the due-slot index itself in step with status and send hour', async () => {
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

    await expect(collect(articles.listIngested('2026-11-21T00:00:00.000Z', '2026-11-21T23:00:00.000Z'))).rejects.toThrow(
      /ART#broken[\s\S]*title/,
    );
  });
});

describe('DynamoDeliveryLedger and chunks written before send ids and explicit states', () => {
  it('reads a pending chunk as open (its send from its id) and lets a sender claim it, and a done one as sent', async () => {
    const tableName = `legacy-${unique()}`;
    await ensureTable(dynamo.client, tableName);
    const ledger = new DynamoDeliveryLedger(dynamo.doc, tableName);
    const slotDay = { timezone: 'Europe/London', hour: 7, date: '2026-11-26' };
    const legacy = (id: string, status: string, open: boolean) => ({
      pk: 'LEDGER#2026-11-26#7#Europe/London',
      sk: `CHUNK#${id}`,
      slotDay,
      id,
      editionId: '20261126T065800-20261125T065800',
      emails: ['a@example.com'],
      status,
      createdAt: '2026-11-26T07:00:00.000Z',
      attempts: 0,
      sent: {},
      rejected: {},
      ...(open ? { gsi1pk: 'OPENCHUNKS', gsi1sk: `2026-11-26T07:00:00.000Z#LEDGER#2026-11-26#7#Europe/London#${id}` } : {}),
    });
    await dynamo.doc.send(new PutCommand({ TableName: tableName, Item: legacy('hourly-1764140400000-0', 'pending', true) }));
    await dynamo.doc.send(new PutCommand({ TableName: tableName, Item: legacy('now-4f1c-2', 'done', false) }));

    const chunks = await ledger.chunksOf(slotDay);
    expect(chunks.map((chunk) => [chunk.id, chunk.send, chunk.status])).toEqual([
      ['hourly-1764140400000-0', 'hourly-1764140400000', 'open'],
      ['now-4f1c-2', 'now-4f1c', 'sent'],
    ]);
    expect((await ledger.openChunks()).map((chunk) => chunk.status)).toEqual(['open']);
    expect((await ledger.claimChunk(chunks[0]!, '2026-11-26T07:01:00.000Z', '2026-11-26T06:55:00.000Z')).result).toBe('claimed');
    expect((await ledger.claimChunk(chunks[1]!, '2026-11-26T07:01:00.000Z', '2026-11-26T06:55:00.000Z')).result).toBe('done');
  });
});
