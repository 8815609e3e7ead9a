/**
 * The delivery seam: one send id per planning run on every chunk, job and report; chunk states
 * that every path honours (a paused or cancelled chunk is never sent, nothing but a resume opens a
 * paused one); and the edition source a plan run asks for its editions.
 */
import { describe, expect, it } from 'vitest';
import { chunkJobOf } from '../../../../functions/core/delivery/chunk-job.ts';
import { type QueuedDelivery, sendBatch, type SendBatchDeps } from '../../../../functions/core/delivery/send-batch.ts';
import { settleLocalClaims } from '../../../../functions/core/delivery/settle.ts';
import { newSendStates } from '../../../../functions/core/delivery/send-stop.ts';
import type { ChunkJob } from '../../../../functions/core/delivery/types.ts';
import { type EditionSource, storedEditionSource } from '../../../../functions/core/planning/edition-source.ts';
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

const NOW = '2026-11-26T07:05:00.000Z';

async function world(readers: number, topicsOf: (i: number) => string[] = () => []) {
  const clock = new FakeClock(NOW);
  const articles = new MemoryArticleStore();
  await articles.putIfAbsent(anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }));
  const subscribers = new MemorySubscriberStore();
  const emails = Array.from({ length: readers }, (_, i) => `reader${i}@example.com`);
  for (const [i, email] of emails.entries()) {
    await subscribers.put(aSubscriber({ email, topics: topicsOf(i), lastDigestCutoff: '2026-11-25T06:58:00.000Z' }));
  }
  const editions = new MemoryEditionStore();
  const deliveries = new MemoryDeliveryLedger(subscribers);
  const queue = new MemoryQueue();
  const mailer = new RecordingMailer();
  const sendStats = new MemorySendStatsStore();
  const settings = testSettings();
  const plan: PlanDeps = { articles, subscribers, editions, queue, renderer: new FakeRenderer(), clock, settings, deliveries };
  const send: SendBatchDeps = { editions, deliveries, mailer, clock, settings, sendStats, deferral: { defer: async () => undefined } };
  const messages = (jobs: readonly ChunkJob[]): QueuedDelivery[] =>
    jobs.map((job) => ({
      id: job.id,
      body: JSON.stringify(job),
      receiveCount: 1,
      receipt: { queueArn: 'arn:aws:sqs:us-east-1:123456789012:send', receiptHandle: `r-${job.id}` },
    }));
  /** Sends what the queue holds, as the senders would, and empties it. */
  const drain = () => sendBatch(messages(queue.batches.splice(0).flat()), send);
  const perReader = () => emails.map((email) => mailer.sent.filter((sent) => sent.to === email).length);
  return { clock, editions, deliveries, queue, mailer, sendStats, plan, send, messages, drain, perReader, emails };
}

describe('the send id', () => {
  it("is the hourly run's slot on every chunk, every queued job, the report and the send record", async () => {
    const w = await world(120);
    const report = await planDigest('scheduled', w.plan);

    const send = `hourly-${Date.parse('2026-11-26T07:00:00.000Z')}`;
    expect(report.send).toBe(send);
    expect(w.deliveries.chunks()).toHaveLength(3);
    expect(new Set(w.deliveries.chunks().map((chunk) => chunk.send))).toEqual(new Set([send]));
    expect(new Set(w.queue.chunks.map((job) => job.send))).toEqual(new Set([send]));
    expect(await w.deliveries.sendRecord(send)).toEqual({
      send,
      mode: 'scheduled',
      createdAt: NOW,
      state: 'running',
      plannedAt: NOW,
      editions: report.editions.map((edition) => edition.id),
    });
  });

  it('is a new one for each send-now, and an adopted chunk keeps the send that planned it', async () => {
    const w = await world(3);
    const first = await planDigest('now', w.plan);
    w.queue.batches.splice(0);
    // A retried run of the same slot-days adopts the first run's open chunks.
    const second = await planDigest('now', { ...w.plan, runId: first.send });

    expect(first.send).toMatch(/^now-[0-9a-f-]{36}$/);
    expect(second.send).toBe(first.send);
    const third = await planDigest('now', w.plan);
    expect(third.send).toMatch(/^now-/);
    expect(third.send).not.toBe(first.send);
    expect(third.adopted).toBe(1);
    expect(w.queue.chunks.map((job) => job.send)).toEqual([first.send, first.send]);
  });
});

describe('chunk states', () => {
  it("acknowledges a paused chunk's queue message without sending, and sends it once when its send resumes", async () => {
    const w = await world(60);
    const report = await planDigest('scheduled', w.plan);
    const jobs = w.queue.chunks;
    expect(await w.deliveries.pauseSend(report.send)).toBe(2);

    const whilePaused = await w.drain();

    expect(whilePaused.notDone).toEqual([]);
    expect(w.mailer.sent).toHaveLength(0);
    expect(whilePaused.counts).toEqual({});
    // A second delivery of the same messages (SQS is at-least-once) is acknowledged the same way.
    expect((await sendBatch(w.messages(jobs), w.send)).notDone).toEqual([]);
    expect(w.mailer.sent).toHaveLength(0);

    const resumed = await w.deliveries.resumeSend(report.send);
    const afterResume = await sendBatch(w.messages(resumed.map((chunk) => chunkJobOf(chunk))), w.send);
    // The old messages arriving late find nothing left to send.
    await sendBatch(w.messages(jobs), w.send);

    expect(afterResume.notDone).toEqual([]);
    expect(w.perReader().every((count) => count === 1)).toBe(true);
  });

  it('releases as paused, nobody sent, a chunk written open after its send paused (a plan still running), when the sender reads the send', async () => {
    const w = await world(60);
    const report = await planDigest('scheduled', w.plan);
    const jobs = w.queue.chunks;
    await w.deliveries.pauseSend(report.send);
    const [late] = w.deliveries.chunks();
    await w.deliveries.addChunks([{ ...late!, id: `${report.send}-99`, status: 'open' }]);
    const lateJob = { ...jobs[0]!, id: `${report.send}-99` };

    const outcome = await sendBatch(w.messages([lateJob]), { ...w.send, sendStates: newSendStates(w.deliveries, w.clock) });

    expect(outcome.notDone).toEqual([]);
    expect(w.mailer.sent).toHaveLength(0);
    expect(w.deliveries.chunks().find((chunk) => chunk.id === lateJob.id)?.status).toBe('paused');
    expect((await w.deliveries.resumeSend(report.send)).map((chunk) => chunk.id)).toContain(lateJob.id);
  });

  it("acknowledges a cancelled chunk's message without sending, and nothing revives it: a resume, a later run, a restart", async () => {
    const w = await world(60);
    const report = await planDigest('scheduled', w.plan);
    const jobs = w.queue.chunks;
    expect(await w.deliveries.cancelSend(report.send)).toBe(2);

    expect((await w.drain()).notDone).toEqual([]);
    expect(await w.deliveries.resumeSend(report.send)).toEqual([]);
    // The hour's run retried, and a send-now: neither adopts nor re-plans a cancelled chunk's readers.
    const retried = await planDigest('scheduled', w.plan);
    const sendNow = await planDigest('now', w.plan);
    const { released } = await settleLocalClaims([], {
      deliveries: w.deliveries,
      sendStats: w.sendStats,
      editions: w.editions,
      clock: w.clock,
    });
    await w.drain();
    await sendBatch(w.messages(jobs), w.send);

    expect([retried.adopted, retried.enqueued, sendNow.adopted, sendNow.enqueued]).toEqual([0, 0, 0, 0]);
    expect(released).toEqual([]);
    expect(w.mailer.sent).toHaveLength(0);
    expect(new Set(w.deliveries.chunks().map((chunk) => chunk.status))).toEqual(new Set(['cancelled']));
  });

  it('pauses a chunk whose send was paused while its sender held it, once that attempt fails, so the retry sends nothing', async () => {
    const w = await world(3);
    const report = await planDigest('scheduled', w.plan);
    const jobs = w.queue.chunks;
    const pausedMidSend = {
      ...w.send,
      mailer: {
        sendBulk: async () => {
          await w.deliveries.pauseSend(report.send);
          throw new Error('SES unavailable');
        },
      },
    };

    const attempt = await sendBatch(w.messages(jobs), pausedMidSend);
    const retry = await sendBatch(w.messages(jobs), w.send);

    expect(attempt.notDone).toEqual([jobs[0]!.id]);
    expect(w.deliveries.chunks().map((chunk) => chunk.status)).toEqual(['paused']);
    expect(retry.notDone).toEqual([]);
    expect(w.mailer.sent).toHaveLength(0);
  });

  it("keeps a paused send's chunks from being sent through a later run and a restart's settlement, until it resumes", async () => {
    const w = await world(60);
    const report = await planDigest('now', w.plan);
    const [first, second] = w.queue.chunks;
    // One chunk is being sent when the send is paused: its sender holds it; the other one is paused.
    await w.deliveries.claimChunk(first!, NOW, '2026-11-26T06:00:00.000Z');
    expect(await w.deliveries.pauseSend(report.send)).toBe(1);
    w.queue.batches.splice(0);

    const later = await planDigest('now', w.plan);
    // The process holding the claim died: the restart releases it, to the paused state its send took.
    const { settlement, released } = await settleLocalClaims([], {
      deliveries: w.deliveries,
      sendStats: w.sendStats,
      editions: w.editions,
      clock: w.clock,
    });
    await w.drain();

    // The later run re-enqueues the claimed chunk (its claim decides) but not the paused one.
    expect(later.adopted).toBe(1);
    expect(settlement.chunks).toBe(1);
    expect(released).toEqual([]);
    expect(w.mailer.sent).toHaveLength(0);
    expect(w.deliveries.chunks().map((chunk) => [chunk.id, chunk.status])).toEqual([
      [first!.id, 'paused'],
      [second!.id, 'paused'],
    ]);

    const resumed = await w.deliveries.resumeSend(report.send);
    await sendBatch(w.messages(resumed.map((chunk) => chunkJobOf(chunk))), w.send);
    expect(w.perReader().every((count) => count === 1)).toBe(true);
  });
});

describe('the edition source', () => {
  it('is asked once per window start and topic set, and its editions are the ones planned', async () => {
    const w = await world(6, (i) => (i % 2 === 0 ? ['science'] : ['world', 'arts']));
    const asked: string[][] = [];
    const stored = storedEditionSource(w.plan, NOW);
    const editionSource: EditionSource = {
      editionFor: async (window, topics) => {
        asked.push([...topics]);
        return stored.editionFor(window, topics);
      },
    };

    const report = await planDigest('scheduled', { ...w.plan, editionSource });

    expect(asked).toEqual([['science'], ['arts', 'world']]);
    expect(report.editions.map((edition) => edition.recipients)).toEqual([3, 3]);
    expect(new Set(w.queue.chunks.map((job) => job.editionId))).toEqual(new Set(report.editions.map((edition) => edition.id)));
  });

  it('leaves readers whose window it has no edition for as nothing new', async () => {
    const w = await world(4);
    const report = await planDigest('scheduled', {
      ...w.plan,
      editionSource: { editionFor: async () => ({ edition: undefined, created: false }) },
    });

    expect(report.skipped.nothingNew).toBe(4);
    expect(report.enqueued).toBe(0);
    expect(w.deliveries.chunks()).toEqual([]);
  });
});
