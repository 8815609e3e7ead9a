/**
 * The send guard's counters and the soft-bounce run on DynamoDB (dynalite, or moto with
 * TEST_DYNAMO_BACKEND=moto): ADD per event, a resume's fresh count that leaves out earlier mail,
 * one trip per count, and the conditional REMOVE that ends a reader's run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSendGuardStore } from '../../functions/adapters/dynamo/send-guard-store.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { aSubscriber } from '../support/fakes.ts';
import { type LocalDynamo, startTestDynamo } from '../support/dynamo.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

describe('DynamoSendGuardStore', () => {
  it('adds per event, trips each count once, and after a restart counts only mail sent since', async () => {
    const store = new DynamoSendGuardStore(dynamo.doc, dynamo.tableName);
    const send = 'now-guard-store';
    expect(await store.get(send)).toBeUndefined();
    await store.count(send, '2026-11-26T07:00:01.250Z', { known: 1, bounced: 0, complained: 0 });
    const state = await store.count(send, '2026-11-26T07:00:02.000Z', { known: 1, bounced: 1, complained: 0 });
    expect(state).toEqual({ epoch: 0, counts: { known: 2, bounced: 1, complained: 0 } });
    expect(await store.trip(send, 0, 'too many bounces', '2026-11-26T07:00:03.000Z')).toBe(true);
    expect(await store.trip(send, 0, 'too many bounces', '2026-11-26T07:00:04.000Z')).toBe(false);
    expect((await store.get(send))?.tripped).toEqual({ reason: 'too many bounces', at: '2026-11-26T07:00:03.000Z' });

    await store.restart(send, '2026-11-26T07:10:00.700Z');
    expect(await store.count(send, '2026-11-26T07:09:59.999Z', { known: 1, bounced: 1, complained: 0 })).toBeUndefined();
    // The emulator stamps mail to the second: mail of the resume's own second counts.
    expect(await store.count(send, '2026-11-26T07:10:00.000Z', { known: 1, bounced: 0, complained: 1 })).toEqual({
      epoch: 1,
      since: '2026-11-26T07:10:00.000Z',
      counts: { known: 1, bounced: 0, complained: 1 },
    });
    expect(await store.trip(send, 0, 'stale', '2026-11-26T07:10:01.000Z')).toBe(false);
    expect(await store.trip(send, 1, 'again', '2026-11-26T07:10:01.000Z')).toBe(true);
  });
});

describe('DynamoSubscriberStore soft-bounce runs', () => {
  it('keeps a run through put() and ends it with clearSoftBounces, which leaves a reader without one alone', async () => {
    const subscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName);
    await subscribers.put(aSubscriber({ email: 'full@example.com', softBounces: { send: 'hourly-1', count: 2 } }));
    await subscribers.put(aSubscriber({ email: 'fine@example.com' }));
    expect((await subscribers.get('full@example.com'))?.softBounces).toEqual({ send: 'hourly-1', count: 2 });
    await subscribers.clearSoftBounces('full@example.com');
    await subscribers.clearSoftBounces('fine@example.com');
    await subscribers.clearSoftBounces('nobody@example.com');
    expect((await subscribers.get('full@example.com'))?.softBounces).toBeUndefined();
    expect(await subscribers.get('nobody@example.com')).toBeUndefined();
    await subscribers.put(aSubscriber({ email: 'gone@example.com', status: 'soft-bounced' }));
    expect((await subscribers.get('gone@example.com'))?.status).toBe('soft-bounced');
  });
});
