/**
 * Delivery v2 in core: plan runs lock slot-days and write chunks; senders claim chunks and send
 * them as one bulk call. Each test names the overlap or fault it survives.
 */
import { describe, expect, it } from 'vitest';
import { confirmSesSend } from '../../../../functions/core/delivery/feedback.ts';
import { jobWithoutAddresses } from '../../../../functions/core/delivery/chunk-job.ts';
import { sendBatch, type QueuedDelivery, type SendBatchDeps } from '../../../../functions/core/delivery/send-batch.ts';
import { chunkName, chunkTagValue, parseChunkTagValue, sendChunk } from '../../../../functions/core/delivery/send-chunk.ts';
import { settleLocalClaims } from '../../../../functions/core/delivery/settle.ts';
import { SEND_FLEET } from '../../../../functions/core/delivery/send-fleet.ts';
import type { ChunkJob } from '../../../../functions/core/delivery/types.ts';
import { TEMPLATE_TAG } from '../../../../functions/core/edition/placeholders.ts';
import { planDigest, type PlanDeps } from '../../../../functions/core/planning/plan.ts';
import {
  anArticle,
  aSubscriber,
  FakeClock,
  FakeRenderer,
  MemoryArticleStore,
  MemoryDeliveryLedger,
  MemoryEditionStore,
  MemoryQueue,
  MemorySendStatsStore,
  MemorySubscriberStore,
  RecordingMailer,
  testSettings,
} from '../../../support/fakes.ts';

const LEASE_MS = 6 * 60_000;

async function world(readers: number, now = '2026-11-26T07:05:00.000Z') {
  const clock = new FakeClock(now);
  const articles = new MemoryArticleStore();
  await articles.putIfAbsent(
    anArticle({ title: 'Council {{#if x}} votes {{name}} on {{{budget}}}', ingestedAt: '2026-11-26T05:00:00.000Z' }),
  );
  const subscribers = new MemorySubscriberStore();
  const emails = Array.from({ length: readers }, (_, i) => `reader${i}@example.com`);
  for (const email of emails) await subscribers.put(aSubscriber({ email, lastDigestCutoff: '2026-11-25T06:58:00.000Z' }));
  const editions = new MemoryEditionStore();
  const deliveries = new MemoryDeliveryLedger(subscribers);
  const queue = new MemoryQueue();
  const mailer = new RecordingMailer();
  const sendStats = new MemorySendStatsStore();
  const settings = testSettings();
  const plan: PlanDeps = { articles, subscribers, editions, queue, renderer: new FakeRenderer(), clock, settings, deliveries };
  const send: SendBatchDeps = {
    editions,
    deliveries,
    mailer,
    clock,
    settings,
    claimLeaseMs: LEASE_MS,
    sendStats,
    deferral: { defer: async () => undefined },
  };
  const sendQueued = async () => {
    for (const job of queue.batches.splice(0).flat()) await sendChunk(job, send);
  };
  const perReader = () => {
    const counts = new Map<string, number>();
    for (const email of mailer.sent) counts.set(email.to, (counts.get(email.to) ?? 0) + 1);
    return emails.map((email) => counts.get(email) ?? 0);
  };
  return { clock, articles, subscribers, editions, deliveries, queue, mailer, sendStats, plan, send, sendQueued, perReader, emails };
}

const message = (job: ChunkJob, receiveCount = 1, id = job.id): QueuedDelivery => ({
  id,
  body: JSON.stringify(job),
  receiveCount,
  receipt: { queueArn: 'arn:aws:sqs:us-east-1:123456789012:send', receiptHandle: `r-${id}` },
});

describe('the bulk template', () => {
  it('uses nothing but simple {{name}} tags, whatever the article text, and renders the title as text', async () => {
    const w = await world(3);
    await planDigest('scheduled', w.plan);
    await w.sendQueued();

    expect(w.mailer.bulkCalls).toHaveLength(1);
    const edition = (await w.editions.listRecent(1))[0]!;
    const { editionTemplate } = await import('../../../../functions/core/edition/placeholders.ts');
    const template = editionTemplate(edition);
    for (const source of [template.subject, template.html, template.text]) {
      // Removing every simple tag leaves no braces at all: no sections, helpers or triple-stash.
      expect(source.replace(TEMPLATE_TAG, '')).toBe('');
    }
    const email = w.mailer.sent[0]!;
    expect(email.html).toContain('Council {{#if x}} votes {{name}} on {{{budget}}}');
    expect(email.subject).toContain('{{#if x}}');
    expect(email.headers.map((header) => header.name)).toEqual(
      expect.arrayContaining(['List-Unsubscribe', 'List-Unsubscribe-Post', 'X-Digest-Delivery']),
    );
    // Links are escaped for the HTML part (no bare & in an attribute) and raw in the text part.
    const unsubscribe = /<(.+)>/.exec(email.headers[0]!.value)![1]!;
    expect(email.text).toContain(unsubscribe);
    expect(w.perReader()).toEqual([1, 1, 1]);
  });

  it('names the chunk in a tag SES accepts and reads it back', () => {
    const ref = { slotDay: { timezone: 'America/Argentina/Buenos_Aires', hour: 7, date: '2026-11-26' }, id: 'now-1a2b-0' };
    expect(chunkTagValue(ref)).toMatch(/^[A-Za-z0-9_.@-]+$/);
    expect(parseChunkTagValue(chunkTagValue(ref))).toEqual(ref);
  });
});

describe('one digest per reader per local day, whatever overlaps', () => {
  it('two send-now runs 1.2 s apart (different cutoffs, different editions) give each reader one digest', async () => {
    const w = await world(30);
    const first = planDigest('now', w.plan);
    w.clock.advance(1_200);
    await w.articles.putIfAbsent(anArticle({ title: 'Late news', ingestedAt: '2026-11-26T07:05:00.500Z' }));
    const second = planDigest('now', w.plan);
    const [a, b] = await Promise.all([first, second]);
    await w.sendQueued();

    expect(w.perReader()).toEqual(Array.from({ length: 30 }, () => 1));
    expect(a.enqueued + b.enqueued).toBe(30);
    // The run that came second finds them in the first's live chunks, or its slot-day still being planned.
    expect(
      a.skipped.plannedElsewhere + b.skipped.plannedElsewhere + a.skipped.beingPlannedElsewhere + b.skipped.beingPlannedElsewhere,
    ).toBe(30);
  });

  it('a send-now after the hourly run, with a new edition, sends nobody a second digest', async () => {
    const w = await world(5);
    await planDigest('scheduled', w.plan);
    await w.sendQueued();
    w.clock.set('2026-11-26T09:30:00.000Z');
    await w.articles.putIfAbsent(anArticle({ title: 'Afternoon story', ingestedAt: '2026-11-26T09:00:00.000Z' }));
    const report = await planDigest('now', w.plan);
    await w.sendQueued();

    expect(w.perReader()).toEqual([1, 1, 1, 1, 1]);
    expect(report.enqueued).toBe(0);
    expect(report.skipped.alreadySentToday).toBe(5);
  });

  it('a reader who moved to a later hour the same day is not sent again; a chunk planned before a move skips them', async () => {
    const w = await world(2);
    await planDigest('scheduled', w.plan);
    await w.sendQueued();
    const moved = (await w.subscribers.get('reader0@example.com'))!;
    await w.subscribers.put({ ...moved, sendHour: 9 });
    w.clock.set('2026-11-26T09:05:00.000Z');
    await planDigest('scheduled', w.plan);
    await w.sendQueued();
    expect(w.perReader()).toEqual([1, 1]);

    // Next day: planned at 07:00, then the reader moves before the chunk is sent.
    w.clock.set('2026-11-27T07:05:00.000Z');
    await w.articles.putIfAbsent(anArticle({ ingestedAt: '2026-11-27T05:00:00.000Z' }));
    const other = (await w.subscribers.get('reader1@example.com'))!;
    await planDigest('scheduled', w.plan);
    await w.subscribers.put({ ...other, sendHour: 11 });
    const [job] = w.queue.batches.splice(0).flat();
    const report = await sendChunk(job!, w.send);
    expect(report.outcomes.get('reader1@example.com')).toBe('moved');
  });
});

describe('faults inside a chunk', () => {
  it('records an address SES refuses on its own, sends the rest, and never retries it', async () => {
    const w = await world(3);
    w.mailer.entryAnswers.set('reader1@example.com', (to) => ({ to, status: 'rejected', reason: 'MESSAGE_REJECTED: bad address' }));
    await planDigest('scheduled', w.plan);
    const [job] = w.queue.batches.flat();
    const report = await sendBatch([message(job!)], w.send);

    expect(report.items[0]).toMatchObject({ outcome: 'done' });
    expect(report.items[0]!.recipients.get('reader1@example.com')).toBe('rejected');
    expect(w.perReader()).toEqual([1, 0, 1]);
    expect((await w.deliveries.chunksOf(job!.slotDay))[0]).toMatchObject({
      status: 'sent',
      rejected: { 'reader1@example.com': expect.stringMatching(/MESSAGE_REJECTED/) },
    });
    expect(await w.sendStats.get(job!.editionId)).toMatchObject({ sent: 2, failed: 1 });
  });

  it('defers the rest of a chunk when the daily quota runs out, and sends only them later', async () => {
    const w = await world(3);
    w.mailer.entryAnswers.set('reader2@example.com', (to) => ({ to, status: 'deferred', reason: 'ACCOUNT_DAILY_QUOTA_EXCEEDED' }));
    await planDigest('scheduled', w.plan);
    const [job] = w.queue.batches.flat();
    const first = await sendBatch([message(job!)], w.send);
    expect(first.items[0]).toMatchObject({ outcome: 'deferred' });
    expect(first.quotaReached?.deferred).toBe(1);

    w.mailer.entryAnswers.clear();
    w.clock.advance(3_600_000);
    const again = await sendBatch([message(job!, 2)], w.send);
    expect(again.items[0]).toMatchObject({ outcome: 'done' });
    expect(w.perReader()).toEqual([1, 1, 1]);
  });

  it('a crash between SES accepting and the marks: the Send event settles it and the takeover sends nobody twice', async () => {
    const w = await world(4);
    await planDigest('scheduled', w.plan);
    const [job] = w.queue.batches.flat();
    const crashing = {
      ...w.send,
      deliveries: new Proxy(w.deliveries, {
        get(target, property) {
          if (property === 'recordDeliveries') return async () => Promise.reject(new Error('killed'));
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    };
    await expect(sendChunk(job!, crashing)).rejects.toThrow('killed');
    // SES publishes one Send event per message, tagged with the chunk.
    for (const email of w.mailer.sent) {
      await confirmSesSend(
        {
          eventType: 'Send',
          mail: { messageId: `m-${email.to}`, destination: [email.to], tags: { edition: [job!.editionId], chunk: [chunkTagValue(job!)] } },
        },
        { deliveries: w.deliveries, clock: w.clock },
      );
    }
    // Still held while the lease runs; taken over after it.
    await expect(sendChunk(job!, w.send)).rejects.toThrow(/sent elsewhere/);
    w.clock.advance(LEASE_MS);
    const report = await sendChunk(job!, w.send);
    expect([...report.outcomes.values()]).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(w.perReader()).toEqual([1, 1, 1, 1]);
  });

  it('a locally crashed sender: the persisted inbox settles its claim, and the rest are released, not skipped', async () => {
    const w = await world(4);
    w.mailer.entryAnswers.set('reader3@example.com', () => {
      throw new Error('process killed mid-call');
    });
    await planDigest('scheduled', w.plan);
    const [job] = w.queue.batches.flat();
    // The process is dead: nothing it would still write reaches the ledger.
    const dead = {
      ...w.send,
      deliveries: new Proxy(w.deliveries, {
        get(target, property) {
          if (property === 'recordResults' || property === 'recordDeliveries') return async () => Promise.reject(new Error('killed'));
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    };
    await expect(sendChunk(job!, dead)).rejects.toThrow('killed');
    w.mailer.entryAnswers.clear();
    const inbox = w.mailer.sent.map((email) => ({
      to: [email.to],
      messageId: `m-${email.to}`,
      chunk: email.headers.find((h) => h.name === 'X-Digest-Delivery')?.value,
    }));
    expect(inbox[0]?.chunk).toBe(chunkName(job!));

    const { settlement, released } = await settleLocalClaims(inbox, {
      deliveries: w.deliveries,
      sendStats: w.sendStats,
      editions: w.editions,
      clock: w.clock,
    });
    expect(settlement).toMatchObject({ chunks: 1, confirmed: 3, released: 1 });
    expect(await w.deliveries.lastSettlement()).toEqual(settlement);
    await sendChunk({ ...released[0]!, adopted: true }, w.send);
    expect(w.perReader()).toEqual([1, 1, 1, 1]);
  });
});

describe('sendBatch', () => {
  it('sends a queue message that names only the chunk to the readers the chunk holds, and reads old messages with addresses too', async () => {
    const w = await world(3);
    await planDigest('scheduled', w.plan);
    const [job] = w.queue.batches.flat();
    const reference = jobWithoutAddresses(job!);
    expect(JSON.stringify(reference)).not.toContain('@');

    const report = await sendBatch([message(reference)], w.send);

    expect(report.items[0]).toMatchObject({ outcome: 'done' });
    expect(w.perReader()).toEqual([1, 1, 1]);
    // A message queued before (with the addresses) for the same chunk sends nobody twice.
    const again = await sendBatch([message(job!, 1, 'old-body')], w.send);
    expect(again.items[0]).toMatchObject({ outcome: 'done' });
    expect(w.perReader()).toEqual([1, 1, 1]);
  });

  it('fails a body that is no chunk job with a reason for the dead-letter queue, without stopping the others', async () => {
    const w = await world(2);
    await planDigest('scheduled', w.plan);
    const [job] = w.queue.batches.flat();
    const bad: QueuedDelivery = { ...message(job!), id: 'bad', body: '{"editionId":"nope"}' };
    const report = await sendBatch([bad, message(job!)], w.send);

    expect(report.notDone).toEqual(['bad']);
    expect(report.items[0]).toMatchObject({ outcome: 'failed', job: undefined, poison: expect.stringMatching(/not a chunk job/) });
    expect(w.perReader()).toEqual([1, 1]);
  });

  it('hands back a chunk whose claim another sender holds, not counted failed even on its last receive', async () => {
    const w = await world(2);
    await planDigest('scheduled', w.plan);
    const [job] = w.queue.batches.flat();
    await w.deliveries.claimChunk(job!, '2026-11-26T07:04:30.000Z', '2026-11-26T06:00:00.000Z');
    const report = await sendBatch([message(job!, SEND_FLEET.maxReceiveCount)], w.send);

    expect(report.items[0]).toMatchObject({ outcome: 'claim-held' });
    expect(await w.sendStats.get(job!.editionId)).toMatchObject({ failed: 0 });
    // A run that adopted the chunk leaves it to its holder instead.
    const adopted = await sendBatch([message({ ...job!, adopted: true })], w.send);
    expect(adopted.items[0]).toMatchObject({ outcome: 'done' });
    expect([...adopted.items[0]!.recipients.values()]).toEqual(['sending-elsewhere', 'sending-elsewhere']);
  });

  it('counts a failing chunk only on the receive before the dead-letter queue', async () => {
    const w = await world(2);
    await planDigest('scheduled', w.plan);
    const [job] = w.queue.batches.flat();
    w.mailer.failNext(2, new Error('SES unavailable'));
    expect((await sendBatch([message(job!, 1)], w.send)).counts).toEqual({});
    expect((await sendBatch([message(job!, SEND_FLEET.maxReceiveCount)], w.send)).counts).toEqual({ [job!.editionId]: { failed: 2 } });
  });
});
