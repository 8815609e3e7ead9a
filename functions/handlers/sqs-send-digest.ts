/**
 * SQS consumer: one digest per message. Failed messages are reported individually
 * (ReportBatchItemFailures) so one bad recipient never re-sends the rest of the batch; after
 * the queue's maxReceiveCount they land in the DLQ instead of looping. When the account's daily
 * SES quota is used up, the rest of the batch is deferred to the next hour and reported.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import pMap from 'p-map';
import { z } from 'zod';
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/app-deps.ts';
import { DIGEST_METRICS } from '../adapters/runtime/metric-names.ts';
import { logger, observability, observeSqs } from '../adapters/runtime/observability.ts';
import { MailerThrottledError } from '../adapters/ses/ses-mailer.ts';
import { ClaimHeldError, countNameFor, DailyQuotaExhaustedError, deliverDigest, secondsToNextHour, SEND_FLEET, type SendCountName, type SendCounts } from '../core/delivery/index.ts';
import { type Edition, EDITION_ID_PATTERN } from '../core/edition/index.ts';
import { emailSchema } from '../core/subscribers/index.ts';

export const deliveryJobSchema = z.object({
  editionId: z.string().regex(EDITION_ID_PATTERN, 'must be an edition id'),
  email: emailSchema,
});

/** Deferred jobs come back over this many seconds after the hour, not all in its first second. */
const DEFER_SPREAD_SECONDS = 300;

class EditionCounts {
  readonly #byEdition = new Map<string, Partial<SendCounts>>();

  bump(editionId: string, name: SendCountName | undefined): void {
    if (name === undefined) return;
    const counts = this.#byEdition.get(editionId) ?? {};
    counts[name] = (counts[name] ?? 0) + 1;
    this.#byEdition.set(editionId, counts);
  }

  entries(): [string, Partial<SendCounts>][] {
    return [...this.#byEdition];
  }
}

function receiveCount(record: SQSRecord): number {
  return Number(record.attributes.ApproximateReceiveCount) || 1;
}

export function sendDigestHandler(deps: DepsProvider): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const editionCache = new Map<string, Promise<Edition>>();
  return async (event) => {
    const app = await deps();
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    const deferred: SQSRecord[] = [];
    const counts = new EditionCounts();
    let quotaExhausted: DailyQuotaExhaustedError | undefined;
    await pMap(
      event.Records,
      async (record) => {
        let editionId: string | undefined;
        try {
          const job = deliveryJobSchema.parse(JSON.parse(record.body));
          editionId = job.editionId;
          if (quotaExhausted) throw quotaExhausted;
          const outcome = await deliverDigest(job, { ...app, mailer: app.digestMailer, editionCache });
          counts.bump(job.editionId, countNameFor(outcome));
          if (outcome === 'sent') observability.count(DIGEST_METRICS.digestsSent);
        } catch (error) {
          failures.push({ itemIdentifier: record.messageId });
          if (error instanceof DailyQuotaExhaustedError) {
            quotaExhausted ??= error;
            deferred.push(record);
            if (editionId) counts.bump(editionId, 'deferred');
            return;
          }
          // A held claim is another sender at work, not a failure of this job.
          if (!(error instanceof ClaimHeldError) && editionId && receiveCount(record) >= SEND_FLEET.maxReceiveCount) {
            counts.bump(editionId, 'failed');
          }
          if (error instanceof ClaimHeldError) {
            logger.info('delivery not done: claim held by another sender', { messageId: record.messageId });
            return;
          }
          const throttled = error instanceof MailerThrottledError;
          observability.count(throttled ? DIGEST_METRICS.sendThrottled : DIGEST_METRICS.sendFailed);
          logger[throttled ? 'warn' : 'error']('delivery failed', { messageId: record.messageId, error });
        }
      },
      { concurrency: SEND_FLEET.jobsInFlight },
    );
    if (quotaExhausted) {
      const now = app.clock.now();
      const delay = secondsToNextHour(now, Math.floor(Math.random() * DEFER_SPREAD_SECONDS));
      await app.deferral?.defer(
        deferred.map((record) => ({ queueArn: record.eventSourceARN, receiptHandle: record.receiptHandle })),
        delay,
      );
      await app.sendStats.recordQuotaExhausted(now.toISOString(), quotaExhausted.message);
      logger.warn('SES daily quota reached; jobs deferred', { deferred: deferred.length, delaySeconds: delay, detail: quotaExhausted.message });
    }
    for (const [editionId, editionCounts] of counts.entries()) await app.sendStats.add(editionId, editionCounts);
    // One line per batch, not per recipient: 100k lines an hour would cost more to log than to send.
    logger.info('batch done', { records: event.Records.length, failed: failures.length, counts: Object.fromEntries(counts.entries()) });
    return { batchItemFailures: failures };
  };
}

export const handler = observeSqs(sendDigestHandler(lambdaDeps()));
