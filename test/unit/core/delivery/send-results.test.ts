import { describe, expect, it } from 'vitest';
import { readSendStats, sendOutcomeOf, zeroResults } from '../../../../functions/core/delivery/index.ts';
import { chunkTagValue } from '../../../../functions/core/delivery/send-chunk.ts';
import type { Edition } from '../../../../functions/core/edition/types.ts';
import { MemoryDeliveryLedger } from '../../../support/memory-ledger.ts';
import { MemorySendStatsStore } from '../../../support/memory-stores.ts';

const EDITION = '20261126T070000-20261125T070000';
const chunk = chunkTagValue({ slotDay: { timezone: 'Europe/London', hour: 7, date: '2026-11-26' }, id: 'now-abc-3' });
const mail = { tags: { chunk: [chunk], edition: [EDITION] } };

describe('sendOutcomeOf', () => {
  it('counts deliveries, permanent and transient bounces and complaints against the send the chunk tag names', () => {
    expect(sendOutcomeOf({ eventType: 'Delivery', mail, delivery: { recipients: ['a@example.com'] } })).toEqual({
      send: 'now-abc',
      editionId: EDITION,
      counts: { delivered: 1 },
    });
    const bounce = (bounceType: string) => ({ eventType: 'Bounce', mail, bounce: { bounceType, bouncedRecipients: [{}, {}] } });
    expect(sendOutcomeOf(bounce('Permanent'))?.counts).toEqual({ bouncedPermanent: 2 });
    expect(sendOutcomeOf(bounce('Transient'))?.counts).toEqual({ bouncedTransient: 2 });
    expect(sendOutcomeOf(bounce('Undetermined'))).toBeUndefined();
    expect(sendOutcomeOf({ notificationType: 'Complaint', mail, complaint: { complainedRecipients: [{}] } })?.counts).toEqual({
      complained: 1,
    });
  });

  it('counts nothing for mail without a digest tag, for sends and for what is no SES event', () => {
    expect(sendOutcomeOf({ eventType: 'Delivery', mail: { tags: {} }, delivery: { recipients: ['a@example.com'] } })).toBeUndefined();
    expect(sendOutcomeOf({ eventType: 'Send', mail })).toBeUndefined();
    expect(sendOutcomeOf('not an event')).toBeUndefined();
  });
});

describe('readSendStats', () => {
  const story = (title: string) => ({ title }) as Edition['stories'][number];
  const editions = new Map([
    ['ed-a', { id: 'ed-a', stories: [story('Rates cut'), story('Storm')] } as Edition],
    ['ed-b', { id: 'ed-b', stories: [story('Storm'), story('Election')] } as Edition],
  ]);

  it("adds a send's editions up, story clicks by title and most clicked first, and says when it is paused", async () => {
    const deliveries = new MemoryDeliveryLedger();
    const sendStats = new MemorySendStatsStore();
    await deliveries.startSend({ send: 'now-1', mode: 'now', createdAt: '2026-11-26T07:00:00.000Z', state: 'running', editions: [] });
    await deliveries.completeSend('now-1', ['ed-a', 'ed-b'], '2026-11-26T07:01:00.000Z');
    await deliveries.pauseSend('now-1');
    await sendStats.addToSend('now-1', 'ed-a', { sent: 10, delivered: 8, bouncedPermanent: 2, unsubscribedPage: 1 });
    await sendStats.addToSend('now-1', 'ed-b', { sent: 5, delivered: 5, complained: 1, unsubscribedOneClick: 1 });
    await sendStats.addClick({ send: 'now-1', editionId: 'ed-a', story: 1, unique: true });
    await sendStats.addClick({ send: 'now-1', editionId: 'ed-b', story: 0, unique: true });
    await sendStats.addClick({ send: 'now-1', editionId: 'ed-b', story: 1, unique: false });

    const { report, total } = await readSendStats(undefined, { deliveries, sendStats, editions: { get: async (id) => editions.get(id) } });

    expect(report).toEqual({
      send: 'now-1',
      editions: 2,
      sent: 15,
      delivered: 13,
      bounced: { permanent: 2, transient: 0 },
      complaints: 1,
      unsubscribes: 2,
      clicks: {
        unique: 2,
        total: 3,
        stories: [
          { title: 'Storm', clicks: 2 },
          { title: 'Election', clicks: 1 },
          { title: 'Rates cut', clicks: 0 },
        ],
      },
      paused: true,
    });
    expect(total).toEqual({
      ...zeroResults(),
      ...{ sent: 15, delivered: 13, bouncedPermanent: 2, complained: 1 },
      unsubscribedOneClick: 1,
      unsubscribedPage: 1,
      clicks: 3,
      uniqueClicks: 2,
    });
  });

  it('refuses a malformed id naming the field, and says when there is no such send', async () => {
    const deps = {
      deliveries: new MemoryDeliveryLedger(),
      sendStats: new MemorySendStatsStore(),
      editions: { get: async () => undefined },
    };
    await expect(readSendStats('a/b', deps, 'id')).rejects.toMatchObject({ name: 'ValidationError', issues: [{ field: 'id' }] });
    await expect(readSendStats('now-x', deps)).rejects.toMatchObject({ name: 'SendNotFoundError' });
    await expect(readSendStats(undefined, deps)).rejects.toMatchObject({ name: 'SendNotFoundError' });
  });
});
