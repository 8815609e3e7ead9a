import { describe, expect, it } from 'vitest';
import { sendBatch, type QueuedDelivery, type SendBatchDeps } from '../../functions/core/delivery/send-batch.ts';
import { SEND_FLEET } from '../../functions/core/delivery/send-fleet.ts';
import type { JobDeferral, QueuedJobReceipt } from '../../functions/core/delivery/ports.ts';
import { buildEdition } from '../../functions/core/edition/edition.ts';
import { DailyQuotaExhaustedError, type Mailer, MailerThrottledError } from '../../functions/core/shared/mail.ts';
import {
  anArticle,
  aSubscriber,
  FakeClock,
  FakeRenderer,
  MemoryDeliveryStore,
  MemoryEditionStore,
  MemorySendStatsStore,
  MemorySubscriberStore,
  RecordingMailer,
  testSettings,
} from '../support/fakes.ts';

const READERS = ['a@example.com', 'b@example.com', 'c@example.com'];

/** A mailer that sends `quota` emails and then refuses for the day, or fails the addresses it is told to. */
function mailerWith(inner: RecordingMailer, options: { quota?: number; failing?: Map<string, Error> } = {}): Mailer {
  let left = options.quota ?? Infinity;
  return {
    send: async (email) => {
      const failure = options.failing?.get(email.to);
      if (failure) throw failure;
      if (left <= 0) throw new DailyQuotaExhaustedError('SES daily quota reached: 200 of 200 in the last 24 hours');
      left -= 1;
      return inner.send(email);
    },
  };
}

async function world(options: { quota?: number; failing?: Map<string, Error> } = {}) {
  const clock = new FakeClock('2026-11-26T07:06:00.000Z');
  const settings = testSettings();
  const editions = new MemoryEditionStore();
  const edition = await buildEdition(
    { since: '2026-11-25T06:58:00.000Z', cutoff: '2026-11-26T06:58:00.000Z', articles: [anArticle()], createdAt: '2026-11-26T07:00:30.000Z' },
    new FakeRenderer(),
    settings,
  );
  await editions.createIfAbsent(edition);
  const subscribers = new MemorySubscriberStore();
  for (const email of READERS) await subscribers.put(aSubscriber({ email, lastDigestCutoff: '2026-11-25T06:58:00.000Z' }));
  const inner = new RecordingMailer();
  const deferred: { receipts: readonly QueuedJobReceipt[]; seconds: number }[] = [];
  const deferral: JobDeferral = {
    defer: async (receipts, seconds) => {
      deferred.push({ receipts, seconds });
    },
  };
  const deps: SendBatchDeps = {
    clock,
    settings,
    editions,
    subscribers,
    deliveries: new MemoryDeliveryStore(),
    mailer: mailerWith(inner, options),
    sendStats: new MemorySendStatsStore(),
    deferral,
    random: () => 0.5,
  };
  const message = (email: string, receiveCount = 1, i = READERS.indexOf(email)): QueuedDelivery => ({
    id: `m-${i}`,
    body: JSON.stringify({ editionId: edition.id, email }),
    receiveCount,
    receipt: { queueArn: 'arn:aws:sqs:us-east-1:123456789012:send', receiptHandle: `r-${i}` },
  });
  return { deps, inner, deferred, edition, message };
}

describe('sendBatch', () => {
  it('sends every job, reports none back to the queue, and adds the counts to the edition once', async () => {
    const w = await world();
    const report = await sendBatch(READERS.map((email) => w.message(email)), w.deps);

    expect(w.inner.sent).toHaveLength(3);
    expect(report.notDone).toEqual([]);
    expect(report.items.map((item) => item.outcome)).toEqual(['sent', 'sent', 'sent']);
    expect(report.counts).toEqual({ [w.edition.id]: { sent: 3 } });
    expect(await w.deps.sendStats.get(w.edition.id)).toMatchObject({ sent: 3, skipped: 0, failed: 0, deferred: 0 });
  });

  it('reports a body that is not a delivery job as not done, without stopping the others', async () => {
    const w = await world();
    const bad: QueuedDelivery = { ...w.message('a@example.com'), id: 'bad', body: '{"editionId":"nope"}' };

    const report = await sendBatch([bad, w.message('b@example.com')], w.deps);

    expect(report.notDone).toEqual(['bad']);
    expect(report.items.find((item) => item.id === 'bad')).toMatchObject({ outcome: 'failed', job: undefined });
    expect(w.inner.sent.map((email) => email.to)).toEqual(['b@example.com']);
  });

  it('defers the rest of the batch to the next hour when the daily quota runs out, and records when', async () => {
    const w = await world({ quota: 1 });

    const report = await sendBatch(READERS.map((email) => w.message(email)), w.deps);

    expect(w.inner.sent).toHaveLength(1);
    expect(report.notDone).toHaveLength(2);
    expect(report.items.filter((item) => item.outcome === 'deferred')).toHaveLength(2);
    expect(w.deferred).toHaveLength(1);
    expect(w.deferred[0]!.receipts.map((receipt) => receipt.receiptHandle).sort()).toEqual(
      report.items.filter((item) => item.outcome === 'deferred').map((item) => `r-${item.id.slice(2)}`).sort(),
    );
    // 07:06 -> 54 minutes to the hour, plus half of the five-minute spread.
    expect(w.deferred[0]!.seconds).toBe(54 * 60 + 150);
    expect(report.quotaReached).toEqual({ deferred: 2, delaySeconds: 54 * 60 + 150, detail: expect.stringMatching(/daily quota/) });
    expect(await w.deps.sendStats.get(w.edition.id)).toMatchObject({ sent: 1, deferred: 2, failed: 0 });
    expect((await w.deps.sendStats.lastQuotaExhausted())?.at).toBe('2026-11-26T07:06:00.000Z');
  });

  it('hands a job whose claim another sender holds back to the queue, not counted failed even on its last receive', async () => {
    const w = await world();
    const job = JSON.parse(w.message('a@example.com').body) as { editionId: string; email: string };
    await w.deps.deliveries.claim(job, '2026-11-26T07:05:30.000Z');

    const report = await sendBatch([w.message('a@example.com', SEND_FLEET.maxReceiveCount)], w.deps);

    expect(report.items[0]).toMatchObject({ outcome: 'claim-held' });
    expect(report.notDone).toEqual(['m-0']);
    expect(w.inner.sent).toHaveLength(0);
    expect(await w.deps.sendStats.get(w.edition.id)).toMatchObject({ failed: 0 });
  });

  it('counts a failed job toward the edition only on the receive before the dead-letter queue', async () => {
    const throttled = new MailerThrottledError('SES throttled the send');
    const w = await world({ failing: new Map([['a@example.com', throttled]]) });

    const early = await sendBatch([w.message('a@example.com', 1)], w.deps);
    expect(early.items[0]).toMatchObject({ outcome: 'failed', error: throttled });
    expect(early.notDone).toEqual(['m-0']);
    expect(await w.deps.sendStats.get(w.edition.id)).toMatchObject({ failed: 0 });

    const last = await sendBatch([w.message('a@example.com', SEND_FLEET.maxReceiveCount)], w.deps);
    expect(last.counts).toEqual({ [w.edition.id]: { failed: 1 } });
    expect(await w.deps.sendStats.get(w.edition.id)).toMatchObject({ failed: 1 });
  });

  it('takes the dead-letter threshold from the queue that runs it', async () => {
    const w = await world({ failing: new Map([['a@example.com', new Error('rejected')]]) });

    const report = await sendBatch([w.message('a@example.com', 3)], { ...w.deps, maxReceiveCount: 3 });

    expect(report.counts).toEqual({ [w.edition.id]: { failed: 1 } });
  });
});
