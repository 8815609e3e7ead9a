/**
 * The bulk import writes a reader's item exactly as DynamoSubscriberStore.put does (slot index
 * attributes, pending TTL), so imported readers are planned, listed and expired like any other.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberKey } from '../../functions/adapters/dynamo/keys.ts';
import { DynamoSubscriberBulk } from '../../functions/adapters/dynamo/subscriber-bulk.ts';
import { ErasureMarks } from '../../functions/adapters/dynamo/erasure-marks.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';
import { aSubscriber } from '../support/fakes.ts';
import { type LocalDynamo, startTestDynamo } from '../support/dynamo.ts';

let dynamo: LocalDynamo;
let store: DynamoSubscriberStore;
let bulk: DynamoSubscriberBulk;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName);
  bulk = new DynamoSubscriberBulk(dynamo.doc, dynamo.tableName, new ErasureMarks('bulk-test-token-secret-0123456789abcdef'));
});

afterAll(async () => {
  await dynamo?.stop();
});

const rawItem = async (email: string) =>
  (await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: subscriberKey(email), ConsistentRead: true }))).Item;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The same reader under two addresses: one goes through the store, the other through the import. */
async function storedBothWays(
  reader: Omit<Subscriber, 'email'>,
): Promise<{ viaStore: Record<string, unknown>; viaImport: Record<string, unknown> }> {
  const id = randomUUID();
  const throughStore = `Store-${id}@Example.com`;
  const throughImport = `Import-${id}@Example.com`;
  await store.put({ ...reader, email: throughStore });
  expect(await bulk.importNew([{ ...reader, email: throughImport }])).toEqual({ written: 1, existing: [], erased: [] });
  const withoutAddress = (item: Record<string, unknown> | undefined, email: string) => {
    expect(item).toBeDefined();
    return JSON.parse(JSON.stringify(item).replaceAll(email.toLowerCase(), '<address>').replaceAll(email, '<address>')) as Record<
      string,
      unknown
    >;
  };
  return {
    viaStore: withoutAddress(await rawItem(throughStore), throughStore),
    viaImport: withoutAddress(await rawItem(throughImport), throughImport),
  };
}

describe('DynamoSubscriberBulk.importNew', () => {
  it('writes a confirmed reader as the very item the store writes, slot index attributes included', async () => {
    const { viaStore, viaImport } = await storedBothWays(
      aSubscriber({
        timezone: 'America/Denver',
        sendHour: 5,
        topics: ['science'],
        consent: { at: '2026-11-01T10:00:00.000Z', source: 'import' },
      }),
    );

    expect(viaImport).toEqual(viaStore);
    expect(viaImport).toMatchObject({ gsi2pk: 'SLOT#America/Denver#5', gsi2sk: '<address>' });
    expect(viaImport).not.toHaveProperty('expiresAt');
  });

  it('gives a pending reader the same expiry the store gives, and no slot index attributes', async () => {
    const { viaStore, viaImport } = await storedBothWays(
      aSubscriber({ status: 'pending', confirmedAt: undefined, consent: { at: '2026-11-26T10:00:00.000Z' } }),
    );

    expect(viaImport).toEqual(viaStore);
    expect(viaImport['expiresAt']).toBe(Date.parse('2026-11-26T10:00:00.000Z') / 1000 + 7 * 86_400);
    expect(viaImport).not.toHaveProperty('gsi2pk');
  });

  it('writes an unsubscribed reader as the store does, outside the slot index and without expiry', async () => {
    const { viaStore, viaImport } = await storedBothWays(
      aSubscriber({
        status: 'unsubscribed',
        unsubscribedAt: '2026-11-20T00:00:00.000Z',
        lastDigestCutoff: '2026-11-19T07:00:00.000Z',
        lastEditionId: 'ed-19',
      }),
    );

    expect(viaImport).toEqual(viaStore);
    expect(viaImport).not.toHaveProperty('gsi2pk');
    expect(viaImport).not.toHaveProperty('expiresAt');
  });

  it('leaves imported confirmed readers where listDue, listConfirmed and listTimeZones find them', async () => {
    const zone = 'Pacific/Marquesas';
    const readers = Array.from({ length: 30 }, (_, index) =>
      aSubscriber({ email: `bulk-${index}-${randomUUID()}@example.com`, timezone: zone, sendHour: index % 3 }),
    );
    const pending = aSubscriber({
      email: `pending-${randomUUID()}@example.com`,
      status: 'pending',
      timezone: 'Antarctica/Troll',
      sendHour: 0,
    });

    expect((await bulk.importNew(readers.slice(0, 25))).written).toBe(25);
    expect((await bulk.importNew([...readers.slice(25), pending])).written).toBe(6);

    const due = await collect(store.listDue([{ timezone: zone, hour: 1 }]));
    expect(due.map((reader) => reader.email).sort()).toEqual(
      readers
        .filter((reader) => reader.sendHour === 1)
        .map((reader) => reader.email)
        .sort(),
    );
    expect(due.every((reader) => readers.some((imported) => imported.email === reader.email && reader.status === 'confirmed'))).toBe(true);
    const confirmed = (await collect(store.listConfirmed())).map((reader) => reader.email);
    expect(confirmed).toEqual(expect.arrayContaining(readers.map((reader) => reader.email)));
    expect(confirmed).not.toContain(pending.email);
    const zones = await store.listTimeZones();
    expect(zones).toContain(zone);
    expect(zones).not.toContain('Antarctica/Troll');
    expect(await store.get(readers[0]!.email)).toEqual(readers[0]);
  });
});
