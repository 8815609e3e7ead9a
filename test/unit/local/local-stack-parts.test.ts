import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChunkJob, DeliverOutcome, DeliveryJob } from '../../../functions/core/delivery/types.ts';
import { everyHour } from '../../../functions/local/hourly.ts';
import type { BatchItemResult, QueuedDelivery, SendBatchReport } from '../../../functions/core/delivery/send-batch.ts';
import { InProcessQueue, type QueueOutcome } from '../../../functions/local/in-process-queue.ts';

/** A batch runner from a per-recipient delivery, standing in for core's sendBatch: a throw leaves the chunk not done. */
function batchOf(deliver: (job: DeliveryJob) => Promise<DeliverOutcome>) {
  return async (messages: readonly QueuedDelivery[]): Promise<SendBatchReport> => {
    const items = await Promise.all(
      messages.map(async (message): Promise<BatchItemResult> => {
        const job = JSON.parse(message.body) as ChunkJob;
        const recipients = new Map<string, DeliverOutcome>();
        try {
          for (const email of job.emails ?? []) recipients.set(email, await deliver({ editionId: job.editionId, email }));
          return { id: message.id, job, outcome: 'done', recipients };
        } catch (error) {
          return { id: message.id, job, outcome: 'failed', recipients, error };
        }
      }),
    );
    return { items, notDone: items.filter((item) => item.outcome === 'failed').map((item) => item.id), counts: {} };
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('everyHour', () => {
  it('runs at the top of each hour, like the cron(0 * * * ? *) schedule, until stopped', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-26T06:59:00.000Z'));
    const runs: string[] = [];
    const schedule = everyHour(async () => {
      runs.push(new Date().toISOString());
    });

    await vi.advanceTimersByTimeAsync(59 * 1000);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toEqual(['2026-11-26T07:00:00.000Z']);
    await vi.advanceTimersByTimeAsync(3600 * 1000);
    expect(runs).toEqual(['2026-11-26T07:00:00.000Z', '2026-11-26T08:00:00.000Z']);

    schedule.stop();
    await vi.advanceTimersByTimeAsync(2 * 3600 * 1000);
    expect(runs).toHaveLength(2);
  });
});

describe('InProcessQueue', () => {
  // One chunk per reader, so one reader's failure sends the other's chunk nowhere again.
  const jobs: ChunkJob[] = ['a@example.com', 'b@example.com'].map((email, i) => ({
    slotDay: { timezone: 'UTC', hour: 7, date: '2026-11-26' },
    id: `run-${i}`,
    editionId: 'e',
    emails: [email],
  }));

  it('retries a failed delivery like an SQS redelivery and reports each outcome once', async () => {
    let failuresLeft = 1;
    const outcomes: [string, QueueOutcome][] = [];
    const queue = new InProcessQueue({
      retryDelayMs: 0,
      deliverBatch: batchOf(async (job) => {
        if (job.email === 'a@example.com' && failuresLeft-- > 0) throw new Error('SES hiccup');
        return 'sent';
      }),
      onOutcome: (job, outcome) => outcomes.push([job.email, outcome]),
    });

    await queue.enqueue(jobs);

    expect(outcomes.sort()).toEqual([
      ['a@example.com', 'sent'],
      ['b@example.com', 'sent'],
    ]);
  });

  it('gives up after maxAttempts and reports the job failed with its error, without stopping the others', async () => {
    const outcomes: [string, QueueOutcome, unknown][] = [];
    let attempts = 0;
    const queue = new InProcessQueue({
      maxAttempts: 3,
      retryDelayMs: 0,
      deliverBatch: batchOf(async (job) => {
        if (job.email === 'a@example.com') {
          attempts += 1;
          throw new Error('always down');
        }
        return 'duplicate';
      }),
      onOutcome: (job, outcome, error) => outcomes.push([job.email, outcome, error]),
    });

    await queue.enqueue(jobs);

    expect(attempts).toBe(3);
    expect(outcomes.find(([email]) => email === 'a@example.com')?.[1]).toBe('failed');
    expect(String(outcomes.find(([email]) => email === 'a@example.com')?.[2])).toContain('always down');
    expect(outcomes.find(([email]) => email === 'b@example.com')?.[1]).toBe('duplicate');
  });
});
