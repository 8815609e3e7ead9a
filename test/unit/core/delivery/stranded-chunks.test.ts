/**
 * Nothing stranded: a chunk nobody sends any more (dead-lettered, or left by a dead sender) is
 * picked up again by the next hourly run when it is of the readers' same local day, its lease has
 * passed and its send is neither paused nor cancelled; never twice in one run, never doubling a
 * recipient; and a chunk of an earlier local day is never sent.
 */
import { describe, expect, it } from 'vitest';
import { sendBatch, type SendBatchDeps } from '../../../../functions/core/delivery/send-batch.ts';
import { sendChunk } from '../../../../functions/core/delivery/send-chunk.ts';
import { CLAIM_LEASE_MS } from '../../../../functions/core/delivery/send-fleet.ts';
import { chunkCondition, oncePerChunk, repickStrandedChunks, tallyChunks } from '../../../../functions/core/delivery/stranded.ts';
import type { ChunkJob, DeliveryChunk } from '../../../../functions/core/delivery/types.ts';
import { planAndRepick } from '../../../../functions/core/planning/hourly-run.ts';
import { planDigest, type PlanDeps } from '../../../../functions/core/planning/plan.ts';
import { InProcessQueue } from '../../../../functions/local/in-process-queue.ts';
import { MemoryDeadLetters } from '../../../../functions/local/dead-letters.ts';
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

const NOW = '2026-11-26T07:05:00.000Z';

function aChunk(overrides: Partial<DeliveryChunk> = {}): DeliveryChunk {
  return {
    slotDay: { timezone: 'UTC', hour: 7, date: '2026-11-26' },
    id: 'hourly-1-0',
    send: 'hourly-1',
    editionId: 'e',
    emails: ['a@example.com', 'b@example.com'],
    status: 'open',
    createdAt: NOW,
    attempts: 0,
    sent: {},
    rejected: {},
    ...overrides,
  };
}

const at = (ms: number) => new Date(Date.parse(NOW) + ms);

describe('the re-pick rules', () => {
  it('leaves an open chunk to its queue message until a lease has passed, then calls it stranded', () => {
    expect(chunkCondition(aChunk(), at(CLAIM_LEASE_MS - 1))).toBe('open');
    expect(chunkCondition(aChunk(), at(CLAIM_LEASE_MS))).toBe('stranded');
  });

  it('calls a claimed chunk stranded only once its claim is older than the lease', () => {
    const claimed = aChunk({ status: 'claimed', claimedAt: at(60_000).toISOString() });
    expect(chunkCondition(claimed, at(60_000 + CLAIM_LEASE_MS - 1))).toBe('claimed');
    expect(chunkCondition(claimed, at(60_000 + CLAIM_LEASE_MS))).toBe('stranded');
  });

  it('never calls a paused, cancelled, sent or about-to-stop chunk stranded', () => {
    const late = at(10 * CLAIM_LEASE_MS);
    expect(chunkCondition(aChunk({ status: 'paused' }), late)).toBe('paused');
    expect(chunkCondition(aChunk({ status: 'cancelled' }), late)).toBe('cancelled');
    expect(chunkCondition(aChunk({ status: 'sent' }), late)).toBe('sent');
    expect(chunkCondition(aChunk({ status: 'claimed', claimedAt: NOW, stopAs: 'paused' }), late)).toBe('claimed');
  });

  it('calls an open chunk of an earlier local day earlier-day, by the zone of its slot', () => {
    // 07:05 UTC on the 27th is still the 26th in Los Angeles.
    const nextUtcDay = new Date('2026-11-27T07:05:00.000Z');
    expect(chunkCondition(aChunk(), nextUtcDay)).toBe('earlier-day');
    const la = aChunk({ slotDay: { timezone: 'America/Los_Angeles', hour: 23, date: '2026-11-26' } });
    expect(chunkCondition(la, nextUtcDay)).toBe('stranded');
  });

  it('enqueues stranded chunks of today once, as adopted, and leaves earlier-day, paused and cancelled ones', async () => {
    const deliveries = new MemoryDeliveryLedger();
    await deliveries.addChunks([
      aChunk({ id: 'r-0' }),
      aChunk({ id: 'r-1', status: 'paused' }),
      aChunk({ id: 'r-2', status: 'cancelled' }),
      aChunk({ id: 'r-3', slotDay: { timezone: 'UTC', hour: 7, date: '2026-11-25' }, createdAt: '2026-11-25T07:05:00.000Z' }),
      aChunk({ id: 'r-4', createdAt: at(CLAIM_LEASE_MS).toISOString() }),
    ]);
    const queue = new MemoryQueue();
    const clock = new FakeClock(at(CLAIM_LEASE_MS + 1000));
    const once = oncePerChunk(queue);
    const first = await repickStrandedChunks({ deliveries, queue: once, clock });
    const second = await repickStrandedChunks({ deliveries, queue: once, clock });

    expect(queue.chunks.map((job) => [job.id, job.adopted])).toEqual([['r-0', true]]);
    expect(first).toMatchObject({ repicked: 1, repickedReaders: 2, earlierDay: 1 });
    expect(second.repicked).toBe(1);
    expect(tallyChunks(await deliveries.openChunks(), clock.now())).toMatchObject({
      stranded: { chunks: 1, readers: 2 },
      open: { chunks: 1, readers: 2 },
      paused: { chunks: 1, readers: 2 },
      'earlier-day': { chunks: 1, readers: 2 },
    });
  });
});

async function world(readers: number) {
  const clock = new FakeClock(NOW);
  const articles = new MemoryArticleStore();
  await articles.putIfAbsent(anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }));
  const subscribers = new MemorySubscriberStore();
  const emails = Array.from({ length: readers }, (_, i) => `reader${i}@example.com`);
  for (const email of emails) await subscribers.put(aSubscriber({ email, lastDigestCutoff: '2026-11-25T06:58:00.000Z' }));
  const editions = new MemoryEditionStore();
  const deliveries = new MemoryDeliveryLedger(subscribers);
  const mailer = new RecordingMailer();
  const settings = testSettings();
  const send: SendBatchDeps = {
    editions,
    deliveries,
    mailer,
    clock,
    settings,
    sendStats: new MemorySendStatsStore(),
    deferral: { defer: async () => undefined },
  };
  const deadLetters = new MemoryDeadLetters();
  const queue = new InProcessQueue({
    retryDelayMs: 0,
    deadLetters,
    deliverBatch: (messages, maxReceiveCount) => sendBatch(messages, { ...send, maxReceiveCount }),
  });
  const plan: PlanDeps = { articles, subscribers, editions, queue, renderer: new FakeRenderer(), clock, settings, deliveries };
  const perReader = () => emails.map((email) => mailer.sent.filter((sent) => sent.to === email).length);
  return { clock, deliveries, mailer, queue, deadLetters, plan, send, perReader, emails };
}

describe('a dead-lettered chunk', () => {
  it('goes to the local dead-letter list after its attempts, and the next hourly run serves its readers once each', async () => {
    const w = await world(60);
    w.mailer.failNext(3);
    await planDigest('scheduled', w.plan);

    expect(await w.deadLetters.count()).toBe(1);
    const [dead] = await w.deadLetters.takeAll();
    expect(dead?.emails).toBeUndefined();
    expect(w.perReader().filter((count) => count === 0)).toHaveLength(50);

    // The same hour's retry of the run, after the lease: the plan finds every reader in a live chunk, the re-pick sends it.
    w.clock.advance(CLAIM_LEASE_MS);
    const report = await planAndRepick('scheduled', w.plan);
    expect(report.stranded).toMatchObject({ repicked: 0, earlierDay: 0 });
    expect(report.adopted).toBe(1);
    expect(w.perReader()).toEqual(w.emails.map(() => 1));
  });

  it('is sent by the next hour run through the re-pick, however the plan meets its slot', async () => {
    const w = await world(60);
    w.mailer.failNext(3);
    await planDigest('scheduled', w.plan);
    // 08:05: readers of hour 7 are not due, so only the re-pick can reach the chunk.
    w.clock.advance(60 * 60_000);
    const report = await planAndRepick('scheduled', w.plan);
    expect(report.stranded).toMatchObject({ repicked: 1, repickedReaders: 50 });
    expect(w.perReader()).toEqual(w.emails.map(() => 1));
  });

  it('is sent by a redrive of the dead-letter list, and a second redrive finds nothing', async () => {
    const w = await world(60);
    w.mailer.failNext(3);
    await planDigest('scheduled', w.plan);
    expect(await w.queue.redrive()).toBe(1);
    expect(await w.queue.redrive()).toBe(0);
    expect(w.perReader()).toEqual(w.emails.map(() => 1));
  });

  it('of an earlier local day is never sent: its readers are not counted served and roll into their next digest', async () => {
    const w = await world(60);
    w.mailer.failNext(3);
    await planDigest('scheduled', w.plan);
    const [dead] = await w.deadLetters.takeAll();
    w.clock.set('2026-11-27T06:30:00.000Z');
    const report = await sendChunk(dead as ChunkJob, w.send);
    expect([...new Set(report.outcomes.values())]).toEqual([]);
    const again = await planAndRepick('scheduled', w.plan);
    expect(again.stranded).toMatchObject({ repicked: 0, earlierDay: 1 });
    expect(w.perReader().filter((count) => count === 0)).toHaveLength(50);

    w.clock.set('2026-11-27T07:05:00.000Z');
    await planAndRepick('scheduled', w.plan);
    expect(w.perReader()).toEqual(w.emails.map(() => 1));
  });
});

describe('sendChunk', () => {
  it('reports earlier-day for every reader of a job of an earlier local day and claims nothing', async () => {
    const w = await world(2);
    await planDigest('scheduled', { ...w.plan, queue: new MemoryQueue() });
    const [chunk] = await w.deliveries.openChunks();
    w.clock.set('2026-11-27T07:05:00.000Z');
    const job: ChunkJob = { ...chunk!, emails: chunk!.emails };
    const report = await sendChunk(job, w.send);
    expect([...report.outcomes.values()]).toEqual(['earlier-day', 'earlier-day']);
    expect((await w.deliveries.openChunks())[0]?.status).toBe('open');
  });
});
