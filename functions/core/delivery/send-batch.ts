/**
 * The sender's batch policy, the same for the SQS Lambda and the local stack's in-process queue:
 * each chunk job of a batch is sent (sendChunk); a job whose claim another sender holds goes
 * back to the queue without counting as failed; once the account's daily quota is used up, the
 * rest of the batch is deferred to the next hour; a job is counted failed only on its last
 * receive, when the queue is about to dead-letter it. Counters are added per edition, once per
 * batch.
 */
import pMap from 'p-map';
import { z } from 'zod';
import { DailyQuotaExhaustedError } from '../shared/index.ts';
import { EDITION_ID_PATTERN } from '../edition/index.ts';
import { emailSchema } from '../subscribers/index.ts';
import { CHUNK_SIZE, sendChunk, type SendChunkDeps } from './send-chunk.ts';
import { ChunkTooLargeError, ClaimHeldError } from './errors.ts';
import type { JobDeferral, QueuedJobReceipt, SendStatsStore } from './ports.ts';
import { SEND_FLEET } from './send-fleet.ts';
import { countNameFor, secondsToNextHour, type SendCountName, type SendCounts } from './send-stats.ts';
import { type ChunkJob, type DeliverOutcome, SEND_ID_PATTERN, sendOfChunkId } from './types.ts';
import { recipientsOf } from './chunk-job.ts';

/** A queue message's body, as plan-digest wrote it. */
export const chunkJobSchema = z.object({
  slotDay: z.object({
    timezone: z.string().min(1).max(64),
    hour: z.number().int().min(0).max(23),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date'),
  }),
  id: z.string().regex(/^[A-Za-z0-9-]{1,80}$/, 'must be a chunk id'),
  send: z.string().regex(SEND_ID_PATTERN, 'must be a send id').optional(),
  editionId: z.string().regex(EDITION_ID_PATTERN, 'must be an edition id'),
  /** Only in messages queued before jobs carried no addresses, and on the local queue. */
  emails: z.array(emailSchema).min(1).max(CHUNK_SIZE).optional(),
  recipients: z.number().int().min(0).max(CHUNK_SIZE).optional(),
  adopted: z.boolean().optional(),
});

/** Deferred jobs come back over this many seconds after the hour, not all in its first second. */
export const DEFER_SPREAD_SECONDS = 300;

/** One message of a batch as the queue handed it out. */
export interface QueuedDelivery {
  /** The queue's id for the message, reported back when the job is not done. */
  id: string;
  /** JSON of a ChunkJob; anything else fails the message. */
  body: string;
  /** Times the queue has handed this message out, this one included. */
  receiveCount: number;
  receipt: QueuedJobReceipt;
}

/** `claim-held` and `deferred` go back to the queue like `failed`, but are not failures of the job. */
export type BatchItemOutcome = 'done' | 'failed' | 'claim-held' | 'deferred';

export interface BatchItemResult {
  id: string;
  /** Undefined when the body was not a chunk job. */
  job: ChunkJob | undefined;
  outcome: BatchItemOutcome;
  /** What became of each recipient this time; those not listed are still to do. */
  recipients: Map<string, DeliverOutcome>;
  error?: unknown;
  /** Set for a job that can never succeed (malformed, over SES's limits): the reason the DLQ will hold. */
  poison?: string;
}

export interface SendBatchReport {
  items: BatchItemResult[];
  /** Ids of the messages the queue must hand out again (or dead-letter): every one not done. */
  notDone: string[];
  /** What was added to each edition's counters. */
  counts: Record<string, Partial<SendCounts>>;
  /** Set when the daily quota ran out during the batch. */
  quotaReached?: { deferred: number; delaySeconds: number; detail: string };
}

export interface SendBatchDeps extends SendChunkDeps {
  sendStats: SendStatsStore;
  deferral: JobDeferral;
  /** Receives before the queue dead-letters a message; SEND_FLEET.maxReceiveCount unless the queue says otherwise. */
  maxReceiveCount?: number;
  /** Draws the spread of deferred jobs; Math.random unless a test fixes it. */
  random?: () => number;
}

export async function sendBatch(messages: readonly QueuedDelivery[], deps: SendBatchDeps): Promise<SendBatchReport> {
  const maxReceiveCount = deps.maxReceiveCount ?? SEND_FLEET.maxReceiveCount;
  const counts = new Map<string, Partial<SendCounts>>();
  const bump = (editionId: string | undefined, name: SendCountName | undefined, by = 1): void => {
    if (editionId === undefined || name === undefined || by === 0) return;
    const edition = counts.get(editionId) ?? {};
    edition[name] = (edition[name] ?? 0) + by;
    counts.set(editionId, edition);
  };
  // What each send sent, per edition: `<send> <edition>` -> sent (neither id has a space).
  const sentBySend = new Map<string, number>();
  let quotaExhausted: DailyQuotaExhaustedError | undefined;
  const deferred: QueuedDelivery[] = [];

  const items = await pMap(
    messages,
    async (message): Promise<BatchItemResult> => {
      let job: ChunkJob | undefined;
      const recipients = new Map<string, DeliverOutcome>();
      try {
        const parsed = chunkJobSchema.safeParse(safeJson(message.body));
        if (!parsed.success)
          throw new ChunkTooLargeError(`not a chunk job: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
        job = parsed.data;
        if (quotaExhausted) throw quotaExhausted;
        const report = await sendChunk(job, deps);
        const sendEdition = `${job.send ?? sendOfChunkId(job.id)} ${job.editionId}`;
        for (const [email, outcome] of report.outcomes) {
          recipients.set(email, outcome);
          bump(job.editionId, countNameFor(outcome));
          if (outcome === 'sent') sentBySend.set(sendEdition, (sentBySend.get(sendEdition) ?? 0) + 1);
        }
        return { id: message.id, job, outcome: 'done', recipients };
      } catch (error) {
        if (error instanceof DailyQuotaExhaustedError) {
          quotaExhausted ??= error;
          deferred.push(message);
          bump(job?.editionId, 'deferred');
          return { id: message.id, job, outcome: 'deferred', recipients, error };
        }
        // A held claim is another sender at work, not a failure of this job.
        if (error instanceof ClaimHeldError) return { id: message.id, job, outcome: 'claim-held', recipients, error };
        if (message.receiveCount >= maxReceiveCount) bump(job?.editionId, 'failed', job ? recipientsOf(job) : 0);
        const poison = error instanceof ChunkTooLargeError ? error.message : undefined;
        return { id: message.id, job, outcome: 'failed', recipients, error, ...(poison ? { poison } : {}) };
      }
    },
    { concurrency: SEND_FLEET.jobsInFlight },
  );

  const quotaReached = quotaExhausted ? await deferPastQuota(deferred, quotaExhausted, deps) : undefined;
  for (const [editionId, editionCounts] of counts) await deps.sendStats.add(editionId, editionCounts);
  for (const [sendEdition, sent] of sentBySend) {
    const [send, editionId] = sendEdition.split(' ') as [string, string];
    await deps.sendStats.addToSend(send, editionId, { sent });
  }

  return {
    items,
    notDone: items.filter((item) => item.outcome !== 'done').map((item) => item.id),
    counts: Object.fromEntries(counts),
    ...(quotaReached ? { quotaReached } : {}),
  };
}

/** Puts the jobs the daily quota stopped back on the queue until a few minutes past the next hour. */
async function deferPastQuota(
  deferred: readonly QueuedDelivery[],
  quotaExhausted: DailyQuotaExhaustedError,
  deps: SendBatchDeps,
): Promise<NonNullable<SendBatchReport['quotaReached']>> {
  const now = deps.clock.now();
  const random = deps.random ?? Math.random;
  const delaySeconds = secondsToNextHour(now, Math.floor(random() * DEFER_SPREAD_SECONDS));
  await deps.deferral.defer(
    deferred.map((message) => message.receipt),
    delaySeconds,
  );
  await deps.sendStats.recordQuotaExhausted(now.toISOString(), quotaExhausted.message);
  return { deferred: deferred.length, delaySeconds, detail: quotaExhausted.message };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
