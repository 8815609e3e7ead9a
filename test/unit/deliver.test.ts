import { beforeEach, describe, expect, it } from 'vitest';
import { deliverDigest, EDITION_TAG, type DeliverDeps } from '../../functions/core/delivery/deliver.ts';
import { ClaimHeldError } from '../../functions/core/delivery/errors.ts';
import { EditionNotFoundError } from '../../functions/core/edition/errors.ts';
import { confirmSesSend } from '../../functions/core/delivery/feedback.ts';
import { buildEdition } from '../../functions/core/edition/edition.ts';
import { verifyToken } from '../../functions/core/shared/tokens.ts';
import type { DeliveryJob } from '../../functions/core/delivery/types.ts';
import type { Edition } from '../../functions/core/edition/types.ts';
import {
  anArticle,
  aSubscriber,
  FakeClock,
  FakeRenderer,
  MemoryDeliveryStore,
  MemoryEditionStore,
  MemorySubscriberStore,
  RecordingMailer,
  testSettings,
} from '../support/fakes.ts';

const READER = 'reader@example.com';

let editions: MemoryEditionStore;
let deliveries: MemoryDeliveryStore;
let subscribers: MemorySubscriberStore;
let mailer: RecordingMailer;
let clock: FakeClock;
let deps: DeliverDeps;
let edition: Edition;
let job: DeliveryJob;

beforeEach(async () => {
  editions = new MemoryEditionStore();
  deliveries = new MemoryDeliveryStore();
  subscribers = new MemorySubscriberStore();
  mailer = new RecordingMailer();
  clock = new FakeClock('2026-11-26T07:06:00.000Z');
  deps = { editions, deliveries, subscribers, mailer, clock, settings: testSettings() };
  edition = await buildEdition(
    {
      since: '2026-11-25T07:00:00.000Z',
      cutoff: '2026-11-26T07:00:00.000Z',
      articles: [anArticle({ title: 'Harbour bridge reopens' }), anArticle({ title: 'Library extends hours' })],
      createdAt: '2026-11-26T07:00:30.000Z',
    },
    new FakeRenderer(),
    deps.settings,
  );
  await editions.createIfAbsent(edition);
  await subscribers.put(aSubscriber({ email: READER, lastDigestCutoff: '2026-11-25T07:00:00.000Z' }));
  job = { editionId: edition.id, email: READER };
});

describe('deliverDigest', () => {
  it('shows the times in the reader’s own zone', async () => {
    await subscribers.put(aSubscriber({ email: READER, timezone: 'Asia/Tokyo', lastDigestCutoff: '2026-11-25T07:00:00.000Z' }));
    expect(await deliverDigest(job, deps)).toBe('sent');
    expect(mailer.sent[0]?.html).toContain('times in Asia/Tokyo');
  });

  it('sends the personalised edition once, records it and moves the reader’s watermark', async () => {
    expect(await deliverDigest(job, deps)).toBe('sent');

    expect(mailer.sent).toHaveLength(1);
    const [email] = mailer.sent;
    expect(email).toMatchObject({ to: READER, from: deps.settings.mailFrom, subject: edition.subject });
    expect(email?.html).toContain('Harbour bridge reopens');
    const listUnsubscribe = email?.headers.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    const token = decodeURIComponent(/token=([^>]+)>/.exec(listUnsubscribe)?.[1] ?? '');
    expect(verifyToken(deps.settings.tokenSecret, token, 'unsubscribe', clock.now()).email).toBe(READER);

    expect(await deliveries.get(job)).toMatchObject({
      status: 'sent',
      messageId: 'fake-message-1',
      sentAt: clock.now().toISOString(),
      attempts: 1,
    });
    expect(subscribers.peek(READER)).toMatchObject({ lastDigestCutoff: edition.cutoff, lastEditionId: edition.id });
  });

  it('drops a repeat of the same job without a second email', async () => {
    await deliverDigest(job, deps);
    clock.advance(5 * 60 * 1000);

    expect(await deliverDigest(job, deps)).toBe('duplicate');
    expect(mailer.attempts).toBe(1);
    expect((await deliveries.get(job))?.messageId).toBe('fake-message-1');
  });

  it('mails nobody who unsubscribed since the plan ran', async () => {
    await subscribers.put(aSubscriber({ email: READER, status: 'unsubscribed' }));

    expect(await deliverDigest(job, deps)).toBe('not-subscribed');
    expect(mailer.attempts).toBe(0);
    expect(await deliveries.get(job)).toBeUndefined();
  });

  it.each(['bounced', 'complained', 'pending'] as const)('mails nobody whose status is %s', async (status) => {
    await subscribers.put(aSubscriber({ email: READER, status }));
    expect(await deliverDigest(job, deps)).toBe('not-subscribed');
    expect(mailer.attempts).toBe(0);
  });

  it('mails nobody for a reader who deleted their data', async () => {
    expect(await deliverDigest({ editionId: edition.id, email: 'gone@example.com' }, deps)).toBe('not-subscribed');
    expect(mailer.attempts).toBe(0);
  });

  it('marks the row failed and rethrows when the mailer fails, so a retry can send', async () => {
    const throttled = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
    mailer.failNext(1, throttled);

    await expect(deliverDigest(job, deps)).rejects.toBe(throttled);
    expect(await deliveries.get(job)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await deliveries.get(job))?.error).toContain('Maximum sending rate exceeded.');
    expect(subscribers.peek(READER)?.lastDigestCutoff).toBe('2026-11-25T07:00:00.000Z');
    expect(mailer.sent).toHaveLength(0);

    clock.advance(30_000);
    expect(await deliverDigest(job, deps)).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
    expect(await deliveries.get(job)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(subscribers.peek(READER)?.lastDigestCutoff).toBe(edition.cutoff);
  });

  it('records a thrown non-Error as the failure', async () => {
    mailer.failNext(1, 'socket hang up');
    await expect(deliverDigest(job, deps)).rejects.toBe('socket hang up');
    expect((await deliveries.get(job))?.error).toContain('socket hang up');
  });

  it('throws EditionNotFoundError for an edition that does not exist, sending nothing', async () => {
    const missing = { editionId: '20261126T070000-20261125T060000', email: READER };
    const error = await deliverDigest(missing, deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EditionNotFoundError);
    expect((error as Error).name).toBe('EditionNotFoundError');
    expect(mailer.attempts).toBe(0);
    expect(await deliveries.get(missing)).toBeUndefined();
  });

  it('sends exactly one email when ten senders get the same job at once; the others retry and find it sent', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => deliverDigest({ ...job }, deps)));

    expect(mailer.sent).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'sent')).toHaveLength(1);
    const held = outcomes.filter((o) => o.status === 'rejected');
    expect(held).toHaveLength(9);
    for (const o of held) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(ClaimHeldError);
    const retries = await Promise.all(Array.from({ length: 9 }, () => deliverDigest({ ...job }, deps)));
    expect(retries).toEqual(Array(9).fill('duplicate'));
    expect(mailer.sent).toHaveLength(1);
  });

  it('keeps a fresh claim of a sender that died, and takes it over once the lease has passed', async () => {
    await deliveries.claim(job, clock.now().toISOString());

    await expect(deliverDigest(job, { ...deps, claimLeaseMs: 60_000 })).rejects.toBeInstanceOf(ClaimHeldError);
    expect(mailer.sent).toHaveLength(0);
    clock.advance(60_000);
    expect(await deliverDigest(job, { ...deps, claimLeaseMs: 60_000 })).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
    expect((await deliveries.get(job))?.status).toBe('sent');
  });

  it('does not send again after a crash between SES and markSent once SES reported the send', async () => {
    // The dead sender's claim: SES accepted its message, then the process died before markSent.
    await deliveries.claim(job, clock.now().toISOString());
    await confirmSesSend(
      { eventType: 'Send', mail: { messageId: 'ses-1', destination: [READER], tags: { [EDITION_TAG]: [edition.id] } } },
      { deliveries, clock },
    );
    clock.advance(60_000);

    expect(await deliverDigest(job, { ...deps, claimLeaseMs: 60_000 })).toBe('duplicate');
    expect(mailer.sent).toHaveLength(0);
    expect((await subscribers.get(READER))?.lastEditionId).toBe(edition.id);
  });

  it('reads each edition once when given a cache', async () => {
    const cache = new Map<string, Promise<Edition>>();
    await subscribers.put(aSubscriber({ email: 'second@example.com' }));
    const before = editions.reads;

    await deliverDigest(job, { ...deps, editionCache: cache });
    await deliverDigest({ editionId: edition.id, email: 'second@example.com' }, { ...deps, editionCache: cache });

    expect(editions.reads - before).toBe(1);
    expect(mailer.sent.map((e) => e.to)).toEqual([READER, 'second@example.com']);
  });
});

describe('deliverDigest after a sender died past SES', () => {
  it('moves the watermark when a retry finds the row already sent', async () => {
    await deliveries.claim(job, '2026-11-26T07:01:00.000Z');
    await deliveries.markSent(job, 'ses-1', '2026-11-26T07:01:01.000Z');

    expect(await deliverDigest(job, deps)).toBe('duplicate');

    expect(mailer.sent).toHaveLength(0);
    expect((await subscribers.get(READER))?.lastEditionId).toBe(job.editionId);
  });
});
