import { describe, expect, it } from 'vitest';
import { applySoftBounceHygiene, chunkTagValue, isAutoReply } from '../../../../functions/core/delivery/index.ts';
import { aSubscriber, FakeClock } from '../../../support/fakes.ts';
import { MemorySubscriberStore } from '../../../support/memory-stores.ts';

const READER = 'mailbox-full@example.com';

function mailOf(send: string) {
  return {
    timestamp: '2026-11-26T07:00:00.000Z',
    tags: { chunk: [chunkTagValue({ slotDay: { timezone: 'UTC', hour: 7, date: '2026-11-26' }, id: `${send}-0` })] },
  };
}

function softBounce(send: string, recipient: Record<string, string> = {}): Record<string, unknown> {
  return {
    eventType: 'Bounce',
    mail: mailOf(send),
    bounce: {
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      bouncedRecipients: [{ emailAddress: READER, status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 mailbox full', ...recipient }],
    },
  };
}

const delivery = (send: string) => ({ eventType: 'Delivery', mail: mailOf(send), delivery: { recipients: [READER] } });

async function world() {
  const clock = new FakeClock('2026-11-26T07:00:00.000Z');
  const subscribers = new MemorySubscriberStore(clock);
  await subscribers.put(aSubscriber({ email: READER }));
  return { clock, subscribers, deps: { subscribers, clock } };
}

describe('soft-bounce hygiene', () => {
  it('suppresses a reader as soft-bounced after transient bounces on 3 different sends in a row, one day apart', async () => {
    const { clock, subscribers, deps } = await world();
    for (const [day, send] of ['hourly-1', 'hourly-2'].entries()) {
      clock.set(`2026-11-2${6 + day}T07:01:00.000Z`);
      expect((await applySoftBounceHygiene(softBounce(send), deps)).suppressed).toEqual([]);
      // The same send's bounce twice (SNS redelivers) counts once.
      await applySoftBounceHygiene(softBounce(send), deps);
    }
    expect((await subscribers.get(READER))?.softBounces).toEqual({ send: 'hourly-2', count: 2 });
    clock.set('2026-11-28T07:01:00.000Z');
    expect((await applySoftBounceHygiene(softBounce('hourly-3'), deps)).suppressed).toEqual([READER]);
    const reader = await subscribers.get(READER);
    expect(reader).toMatchObject({ status: 'soft-bounced', updatedAt: '2026-11-28T07:01:00.000Z' });
    expect(reader?.softBounces).toBeUndefined();
  });

  it('starts over after a delivery on a later send', async () => {
    const { subscribers, deps } = await world();
    await applySoftBounceHygiene(softBounce('hourly-1'), deps);
    await applySoftBounceHygiene(softBounce('hourly-2'), deps);
    await applySoftBounceHygiene(delivery('hourly-3'), deps);
    expect((await subscribers.get(READER))?.softBounces).toBeUndefined();
    await applySoftBounceHygiene(softBounce('hourly-4'), deps);
    await applySoftBounceHygiene(softBounce('hourly-5'), deps);
    expect((await subscribers.get(READER))?.status).toBe('confirmed');
    expect((await subscribers.get(READER))?.softBounces).toEqual({ send: 'hourly-5', count: 2 });
  });

  it('never counts auto-replies, permanent bounces, or bounces of mail that is not a digest', async () => {
    const { subscribers, deps } = await world();
    const ooto = { status: '2.0.0', diagnosticCode: 'smtp; auto-reply: out of the office (Auto-Submitted: auto-replied)' };
    for (const send of ['hourly-1', 'hourly-2', 'hourly-3', 'hourly-4']) await applySoftBounceHygiene(softBounce(send, ooto), deps);
    const notDigest = softBounce('hourly-5');
    notDigest['mail'] = { timestamp: '2026-11-26T07:00:00.000Z' };
    await applySoftBounceHygiene(notDigest, deps);
    expect((await subscribers.get(READER))?.softBounces).toBeUndefined();
    expect(isAutoReply({ status: '4.0.0', diagnosticCode: 'I am away from the office until Monday' })).toBe(true);
    expect(isAutoReply({ status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 mailbox full' })).toBe(false);
  });
});
