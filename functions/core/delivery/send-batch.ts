/**
 * The sender's batch policy, the same for the SQS Lambda and the local stack's in-process queue:
 * each job of a batch is delivered; a job whose claim another sender holds goes back to the
 * queue without counting as failed; once the account's daily quota is used up, the rest of the
 * batch is deferred to the next hour; a job is counted failed only on its last receive, when
 * the queue is about to dead-letter it. Counters are added per edition, once per batch.
 */
import pMap from 'p-map';
import { z } from 'zod';
import { DailyQuotaExhaustedError } from '../shared/index.ts';
import { EDITION_ID_PATTERN } from '../edition/index.ts';
import { emailSchema } from '../subscribers/index.ts';
import { deliverDigest, type DeliverDeps } from './deliver.ts';
import { ClaimHeldError } from './errors.ts';
import type { JobDeferral, QueuedJobReceipt, SendStatsStore } from './ports.ts';
import { SEND_FLEET } from './send-fleet.ts';
import { countNameFor, secondsToNextHour, type SendCountName, type SendCounts } from './send-stats.ts';
import type { DeliverOutcome, DeliveryJob } from './types.ts';

/** A queue message's body, as plan-digest wrote it. */
export const deliveryJobSchema = z.object({
  editionId: z.string().regex(EDITION_ID_PATTERN, 'must be an edition id'),
  email: emailSchema,
});

/** Deferred jobs come back over this many seconds after the hour, not all in its first second. */
export const DEFER_SPREAD_SECONDS = 300;

/** One message of a batch as the queue handed it out. */
export interface QueuedDelivery {
  /** The queue's id for the message, reported back when the job is not done. */
  id: string;
  /** JSON of a DeliveryJob; anything else fails the message. */
  body: string;
  /** Times the queue has handed this message out, this one included. */
  receiveCount: number;
  receipt: QueuedJobReceipt;
}

/** `claim-held` and `deferred` go back to the queue like `failed`, but are not failures of the job. */
export type BatchItemOutcome = DeliverOutcome | 'failed' | 'claim-held' | 'deferred';

export interface BatchItemResult {
  id: string;
  /** Undefined when the body was not a delivery job. */
  job: DeliveryJob | undefined;
  outcome: BatchItemOutcome;
  error?: unknown;
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

export interface SendBatchDeps extends DeliverDeps {
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
  const bump = (job: DeliveryJob | undefined, name: SendCountName | undefined): void => {
    if (job === undefined || name === undefined) return;
    const edition = counts.get(job.editionId) ?? {};
    edition[name] = (edition[name] ?? 0) + 1;
    counts.set(job.editionId, edition);
  };
  let quotaExhausted: DailyQuotaExhaustedError | undefined;
  const deferred: QueuedDelivery[] = [];

  const items = await pMap(
    messages,
    async (message): Promise<BatchItemResult> => {
      let job: DeliveryJob | undefined;
      try {
        job = deliveryJobSchema.parse(JSON.parse(message.body));
        if (quotaExhausted) throw quotaExhausted;
        const outcome = await deliverDigest(job, deps);
        bump(job, countNameFor(outcome));
        return { id: message.id, job, outcome };
      } catch (error) {
        if (error instanceof DailyQuotaExhaustedError) {
          quotaExhausted ??= error;
          deferred.push(message);
          bump(job, 'deferred');
          return { id: message.id, job, outcome: 'deferred', error };
        }
        // A held claim is another sender at work, not a failure of this job.
        if (error instanceof ClaimHeldError) return { id: message.id, job, outcome: 'claim-held', error };
        if (message.receiveCount >= maxReceiveCount) bump(job, 'failed');
        return { id: message.id, job, outcome: 'failed', error };
      }
    },
    { concurrency: SEND_FLEET.jobsInFlight },
  );

  let quotaReached: SendBatchReport['quotaReached'];
  if (quotaExhausted) {
    const now = deps.clock.now();
    const random = deps.random ?? Math.random;
    const delaySeconds = secondsToNextHour(now, Math.floor(random() * DEFER_SPREAD_SECONDS));
    await deps.deferral.defer(
      deferred.map((message) => message.receipt),
      delaySeconds,
    );
    await deps.sendStats.recordQuotaExhausted(now.toISOString(), quotaExhausted.message);
    quotaReached = { deferred: deferred.length, delaySeconds, detail: quotaExhausted.message };
  }
  for (const [editionId, editionCounts] of counts) await deps.sendStats.add(editionId, editionCounts);

  return {
    items,
    notDone: items.filter((item) => !isDone(item.outcome)).map((item) => item.id),
    counts: Object.fromEntries(counts),
    ...(quotaReached ? { quotaReached } : {}),
  };
}

function isDone(outcome: BatchItemOutcome): boolean {
  return outcome !== 'failed' && outcome !== 'claim-held' && outcome !== 'deferred';
}
