import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { FunctionDeps } from '../../../functions/adapters/runtime/wiring.ts';
import { buildEdition } from '../../../functions/core/edition/edition.ts';
import { DailyQuotaExhaustedError } from '../../../functions/core/shared/mail.ts';
import { sendDigestHandler } from '../../../functions/handlers/sqs-send-digest.ts';
import type { JobDeferral, QueuedJobReceipt } from '../../../functions/core/delivery/ports.ts';
import { newSendStates } from '../../../functions/core/delivery/index.ts';
import {
  anArticle,
  aSubscriber,
  FakeClock,
  FakeRenderer,
  MemoryDeliveryLedger,
  MemoryEditionStore,
  MemorySendStatsStore,
  MemorySubscriberStore,
  RecordingMailer,
  testSettings,
} from '../../support/fakes.ts';

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:digest-send',
      awsRegion: 'us-east-1',
    })),
  };
}

async function setUp(quotaLeft: number) {
  const clock = new FakeClock('2026-11-26T07:06:00.000Z');
  const settings = testSettings();
  const editions = new MemoryEditionStore();
  const edition = await buildEdition(
    {
      since: '2026-11-25T06:58:00.000Z',
      cutoff: '2026-11-26T06:58:00.000Z',
      articles: [anArticle()],
      createdAt: '2026-11-26T07:00:30.000Z',
    },
    new FakeRenderer(),
    settings,
  );
  await editions.createIfAbsent(edition);
  const subscribers = new MemorySubscriberStore();
  const emails = ['a@example.com', 'b@example.com', 'c@example.com'];
  for (const email of emails) await subscribers.put(aSubscriber({ email, lastDigestCutoff: '2026-11-25T06:58:00.000Z' }));
  const inner = new RecordingMailer();
  let left = quotaLeft;
  const digestMailer = {
    send: async (email: Parameters<RecordingMailer['send']>[0]) => inner.send(email),
    sendBulk: async (message: Parameters<RecordingMailer['sendBulk']>[0]) =>
      Promise.all(
        message.recipients.map(async (recipient) => {
          if (left <= 0)
            return {
              to: recipient.to,
              status: 'deferred' as const,
              reason: new DailyQuotaExhaustedError('SES daily quota reached: 50000 of 50000 in the last 24 hours').message,
            };
          left -= 1;
          return (await inner.sendBulk({ ...message, recipients: [recipient] }))[0]!;
        }),
      ),
  };
  const deferred: { receipts: readonly QueuedJobReceipt[]; seconds: number }[] = [];
  const deferral: JobDeferral = {
    defer: async (receipts, seconds) => {
      deferred.push({ receipts, seconds });
    },
  };
  // One chunk per reader, so the quota running out defers whole messages.
  const deliveries = new MemoryDeliveryLedger(subscribers);
  const chunks = emails.map((email, i) => ({
    slotDay: { timezone: 'Europe/London', hour: 7, date: '2026-11-26' },
    id: `hourly-${i}`,
    editionId: edition.id,
    emails: [email],
  }));
  await deliveries.addChunks(
    chunks.map((chunk) => ({
      ...chunk,
      send: 'hourly',
      status: 'open',
      createdAt: '2026-11-26T07:00:30.000Z',
      attempts: 0,
      sent: {},
      rejected: {},
    })),
  );
  const bodies = chunks.map((chunk) => JSON.stringify(chunk));
  const sendStats = new MemorySendStatsStore();
  const deps: FunctionDeps<'sqs-send-digest'> = {
    clock,
    settings,
    editions,
    editionCache: new Map(),
    deliveries,
    mailer: digestMailer,
    sendStats,
    deferral,
    sendStates: newSendStates(deliveries, clock),
  };
  return { deps, bodies, inner, deferred, sendStats, edition };
}

describe('sendDigestHandler', () => {
  it('counts what it sent against the edition, once per batch', async () => {
    const w = await setUp(10);
    expect(await sendDigestHandler(async () => w.deps)(sqsEvent(w.bodies))).toEqual({ batchItemFailures: [] });
    expect(await w.sendStats.get(w.edition.id)).toMatchObject({ sent: 3, skipped: 0, failed: 0 });
  });

  it('defers the rest of the batch to the next hour when the daily quota runs out, and reports it', async () => {
    const w = await setUp(1);

    const response = await sendDigestHandler(async () => w.deps)(sqsEvent(w.bodies));

    expect(w.inner.sent).toHaveLength(1);
    expect(response.batchItemFailures).toHaveLength(2);
    expect(w.deferred).toHaveLength(1);
    expect(w.deferred[0]!.receipts).toHaveLength(2);
    // 07:06 -> the next hour is 54 minutes away, plus up to five minutes of spread.
    expect(w.deferred[0]!.seconds).toBeGreaterThanOrEqual(54 * 60);
    expect(w.deferred[0]!.seconds).toBeLessThan(59 * 60 + 1);
    expect(await w.sendStats.get(w.edition.id)).toMatchObject({ sent: 1, deferred: 2 });
    expect((await w.sendStats.lastQuotaExhausted())?.detail).toMatch(/daily quota/);
  });
});
