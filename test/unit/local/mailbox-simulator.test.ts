import { describe, expect, it } from 'vitest';
import {
  CHUNK_HEADER,
  chunkName,
  DEFAULT_GUARD_THRESHOLDS,
  parseChunkTagValue,
  type ChunkRef,
} from '../../../functions/core/delivery/index.ts';
import { sesFeedbackSchema } from '../../../functions/core/delivery/feedback.ts';
import { sesEventsHandler } from '../../../functions/handlers/sns-ses-events.ts';
import type { StoredEmail } from '../../../functions/local/emulators.ts';
import { mailboxSimulator, simulatedOutcome, simulatedSesEvents, snsEventOf } from '../../../functions/local/mailbox-simulator.ts';
import { aSubscriber, FakeClock } from '../../support/fakes.ts';
import { MemoryDeliveryLedger, MemorySendStatsStore, MemorySubscriberStore } from '../../support/memory-stores.ts';
import { MemorySendGuardStore } from '../../support/memory-send-guard.ts';

const EDITION = '20261126T000000-20261127T000000';
const CHUNK: ChunkRef = { slotDay: { timezone: 'America/Argentina/Buenos_Aires', hour: 7, date: '2026-11-26' }, id: 'now-abc-3' };
const NOW = new Date('2026-11-26T10:00:01.000Z');

function digestTo(to: string): StoredEmail {
  return {
    messageId: `m-${to}`,
    from: 'Digest <digest@example.com>',
    subject: 'Your digest',
    at: 1_795_687_200,
    destination: { to: [to] },
    headers: [{ name: CHUNK_HEADER, value: chunkName(CHUNK) }],
  };
}

const editionOf = async (ref: ChunkRef): Promise<string | undefined> => (ref.id === CHUNK.id ? EDITION : undefined);

describe('the local SES mailbox simulator', () => {
  it('answers the simulator mailboxes by name, with or without a label, and delivers every other address', () => {
    expect(simulatedOutcome('bounce@simulator.amazonses.com')).toBe('bounce');
    expect(simulatedOutcome('bounce+reader-17@simulator.amazonses.com')).toBe('bounce');
    expect(simulatedOutcome('Complaint+x@Simulator.AmazonSES.com')).toBe('complaint');
    expect(simulatedOutcome('suppressionlist@simulator.amazonses.com')).toBe('suppressionlist');
    expect(simulatedOutcome('ooto@simulator.amazonses.com')).toBe('ooto');
    expect(simulatedOutcome('"Ann" <bounce@simulator.amazonses.com>')).toBe('bounce');
    expect(simulatedOutcome('bounce@example.com')).toBe('success');
    expect(simulatedOutcome('bounce@simulator.amazonses.com.example.com')).toBe('success');
    expect(simulatedOutcome('bouncer@simulator.amazonses.com')).toBe('success');
  });

  it('publishes the event types SES publishes for each mailbox, each valid for the feedback code', async () => {
    const types = async (to: string): Promise<string[]> => {
      const events = await simulatedSesEvents(digestTo(to), editionOf, NOW);
      for (const event of events) expect(sesFeedbackSchema.safeParse(event).success).toBe(true);
      return events.map((event) =>
        [event.eventType, (event.bounce as { bounceType?: string } | undefined)?.bounceType].filter(Boolean).join(':'),
      );
    };
    expect(await types('success@simulator.amazonses.com')).toEqual(['Send', 'Delivery']);
    expect(await types('reader@example.com')).toEqual(['Send', 'Delivery']);
    expect(await types('bounce+1@simulator.amazonses.com')).toEqual(['Send', 'Bounce:Permanent']);
    expect(await types('suppressionlist@simulator.amazonses.com')).toEqual(['Send', 'Bounce:Permanent']);
    expect(await types('complaint@simulator.amazonses.com')).toEqual(['Send', 'Delivery', 'Complaint']);
    expect(await types('ooto@simulator.amazonses.com')).toEqual(['Send', 'Delivery', 'Bounce:Transient']);
  });

  it('rebuilds the tags the emulator drops from the chunk header: the edition, and the chunk in its tag encoding', async () => {
    const [send] = await simulatedSesEvents(digestTo('bounce@simulator.amazonses.com'), editionOf, NOW);
    const tags = (send!.mail as { tags: Record<string, string[]> }).tags;
    expect(tags['edition']).toEqual([EDITION]);
    expect(tags['chunk']![0]).toMatch(/^[A-Za-z0-9_.@-]+$/);
    expect(parseChunkTagValue(tags['chunk']![0]!)).toEqual(CHUNK);
    const unrelated = await simulatedSesEvents({ ...digestTo('reader@example.com'), headers: undefined }, editionOf, NOW);
    expect(Object.keys((unrelated[0]!.mail as { tags: Record<string, string[]> }).tags).filter((name) => !name.startsWith('ses:'))).toEqual(
      [],
    );
  });

  it('through the SNS handler: suppresses the bounced and the complainer, keeps ooto and success, and counts the edition', async () => {
    const clock = new FakeClock(NOW);
    const subscribers = new MemorySubscriberStore(clock);
    const sendStats = new MemorySendStatsStore();
    const addresses = [
      'bounce@simulator.amazonses.com',
      'complaint+a@simulator.amazonses.com',
      'suppressionlist@simulator.amazonses.com',
      'ooto@simulator.amazonses.com',
      'success@simulator.amazonses.com',
    ];
    for (const email of addresses) await subscribers.put(aSubscriber({ email }));
    const deps = {
      clock,
      subscribers,
      sendStats,
      deliveries: new MemoryDeliveryLedger(subscribers),
      sendGuard: new MemorySendGuardStore(),
      guardThresholds: DEFAULT_GUARD_THRESHOLDS,
    };
    const simulator = mailboxSimulator({ editionOf, handle: sesEventsHandler(async () => deps as never), now: () => clock.now() });
    for (const email of addresses) simulator.accepted(digestTo(email));
    await simulator.idle();
    const statuses = await Promise.all(addresses.map(async (email) => (await subscribers.get(email))?.status));
    expect(statuses).toEqual(['bounced', 'complained', 'bounced', 'confirmed', 'confirmed']);
    expect(await sendStats.get(EDITION)).toMatchObject({ bounced: 2, complained: 1 });
  });

  it('wraps each notification in its own SNS record, as SNS delivers it to a Lambda', async () => {
    const events = await simulatedSesEvents(digestTo('complaint@simulator.amazonses.com'), editionOf, NOW);
    const sns = snsEventOf(events, NOW);
    expect(sns.Records.map((record) => (JSON.parse(record.Sns.Message) as { eventType: string }).eventType)).toEqual([
      'Send',
      'Delivery',
      'Complaint',
    ]);
    expect(sns.Records.every((record) => record.EventSource === 'aws:sns' && record.Sns.Type === 'Notification')).toBe(true);
  });
});
