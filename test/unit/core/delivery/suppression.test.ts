import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../functions/core/shared/errors.ts';
import { applySesFeedback, confirmSesSend } from '../../../../functions/core/delivery/feedback.ts';
import permanentBounce from '../../../fixtures/events/ses-bounce-permanent.json' with { type: 'json' };
import transientBounce from '../../../fixtures/events/ses-bounce-transient.json' with { type: 'json' };
import complaint from '../../../fixtures/events/ses-complaint.json' with { type: 'json' };
import sendEvent from '../../../fixtures/events/ses-send.json' with { type: 'json' };
import { aSubscriber, FakeClock, MemoryDeliveryLedger, MemorySendStatsStore, MemorySubscriberStore } from '../../../support/fakes.ts';

let subscribers: MemorySubscriberStore;
let deps: { subscribers: MemorySubscriberStore; clock: FakeClock };

beforeEach(async () => {
  subscribers = new MemorySubscriberStore();
  deps = { subscribers, clock: new FakeClock('2026-11-26T08:00:00.000Z') };
  for (const email of ['gone@example.com', 'full@example.com', 'annoyed@example.com']) {
    await subscribers.put(aSubscriber({ email }));
  }
});

describe('applySesFeedback', () => {
  it('marks a permanently bounced reader bounced, which takes them out of the send slots', async () => {
    const report = await applySesFeedback(permanentBounce, deps);
    expect(report.suppressed).toEqual([{ email: 'gone@example.com', status: 'bounced' }]);
    expect(subscribers.peek('gone@example.com')?.status).toBe('bounced');
    const due = [];
    for await (const reader of subscribers.listDue([{ timezone: 'Europe/London', hour: 7 }])) due.push(reader.email);
    expect(due).not.toContain('gone@example.com');
  });

  it('marks a complaining reader complained, matching the address case-insensitively', async () => {
    await applySesFeedback(complaint, deps);
    expect(subscribers.peek('annoyed@example.com')?.status).toBe('complained');
  });

  it('counts a transient bounce without suppressing anyone', async () => {
    expect(await applySesFeedback(transientBounce, deps)).toEqual({ suppressed: [], ignored: 1 });
    expect(subscribers.peek('full@example.com')?.status).toBe('confirmed');
  });

  it('ignores delivery events and addresses it does not know', async () => {
    expect(await applySesFeedback({ eventType: 'Delivery', delivery: {} }, deps)).toEqual({ suppressed: [], ignored: 1 });
    const stranger = structuredClone(permanentBounce);
    stranger.bounce.bouncedRecipients[0]!.emailAddress = 'stranger@example.com';
    expect((await applySesFeedback(stranger, deps)).suppressed).toEqual([]);
  });

  it('never downgrades a complaint to a bounce', async () => {
    await subscribers.put(aSubscriber({ email: 'gone@example.com', status: 'complained' }));
    await applySesFeedback(permanentBounce, deps);
    expect(subscribers.peek('gone@example.com')?.status).toBe('complained');
  });

  it('counts a bounce and a complaint against the edition named in the message tags', async () => {
    const sendStats = new MemorySendStatsStore();
    const edition = '20261126T065800-20261125T065800';
    const tagged = <T extends { mail: object }>(event: T): T => ({ ...event, mail: { ...event.mail, tags: { edition: [edition] } } });

    await applySesFeedback(tagged(permanentBounce), { ...deps, sendStats });
    await applySesFeedback(tagged(complaint), { ...deps, sendStats });
    // Untagged (a confirmation email, say): suppressed as ever, counted against no edition.
    await applySesFeedback(permanentBounce, { ...deps, sendStats });

    expect(await sendStats.get(edition)).toMatchObject({ bounced: 1, complained: 1 });
  });

  it('refuses something that is not an SES event', async () => {
    await expect(applySesFeedback({ hello: 'world' }, deps)).rejects.toBeInstanceOf(ValidationError);
    await expect(applySesFeedback('nope', deps)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('confirmSesSend', () => {
  const chunk = {
    slotDay: { timezone: 'Europe/London', hour: 7, date: '2026-11-26' },
    id: 'hourly-1764140400000-0',
    send: 'hourly-1764140400000',
    editionId: '20261126T065800-20261125T065800',
    emails: ['reader@example.com', 'other@example.com'],
    status: 'open' as const,
    createdAt: '2026-11-26T07:00:00.000Z',
    attempts: 0,
    sent: {},
    rejected: {},
  };
  const messageId = sendEvent.mail.messageId;
  let deliveries: MemoryDeliveryLedger;
  const confirmDeps = () => ({ deliveries, clock: new FakeClock('2026-11-26T07:01:12.000Z') });

  beforeEach(async () => {
    deliveries = new MemoryDeliveryLedger();
    await deliveries.addChunks([chunk]);
  });

  it('marks the recipient sent in the claimed chunk it names, so no takeover sends it again', async () => {
    await deliveries.claimChunk(chunk, '2026-11-26T07:01:09.000Z', '2026-11-26T06:55:00.000Z');

    expect(await confirmSesSend(sendEvent, confirmDeps())).toBe(1);

    expect(deliveries.chunks()[0]).toMatchObject({ status: 'claimed', sent: { 'reader@example.com': messageId } });
    const takeover = await deliveries.claimChunk(chunk, '2026-11-26T07:20:00.000Z', '2026-11-26T07:14:00.000Z');
    expect(takeover).toMatchObject({ result: 'claimed', chunk: { sent: { 'reader@example.com': messageId } } });
  });

  it('ignores untagged mail and other event types', async () => {
    const { tags: _tags, ...untaggedMail } = sendEvent.mail;

    expect(await confirmSesSend({ ...sendEvent, mail: untaggedMail }, confirmDeps())).toBe(0);
    expect(await confirmSesSend(complaint, confirmDeps())).toBe(0);
    expect(deliveries.chunks()[0]?.sent).toEqual({});
  });
});
