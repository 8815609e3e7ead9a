/**
 * SQS consumer: one digest per message. Failed messages are reported individually
 * (ReportBatchItemFailures) so one bad recipient never re-sends the rest of the batch; after
 * the queue's maxReceiveCount they land in the DLQ instead of looping.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import pMap from 'p-map';
import { z } from 'zod';
import { lambdaDeps, type DepsProvider } from '../adapters/app-deps.ts';
import { DIGEST_METRICS } from '../adapters/metric-names.ts';
import { logger, observability, observeSqs } from '../adapters/observability.ts';
import { MailerThrottledError } from '../adapters/ses-mailer.ts';
import { deliverDigest } from '../core/deliver.ts';
import { EDITION_ID_PATTERN } from '../core/edition.ts';
import { emailSchema } from '../core/subscriber.ts';
import type { Edition } from '../core/types.ts';

export const deliveryJobSchema = z.object({
  editionId: z.string().regex(EDITION_ID_PATTERN, 'must be an edition id'),
  email: emailSchema,
});

/** Messages handled at once per invocation: SES calls overlap without exceeding a small sender's rate. */
const CONCURRENCY = 5;

export function sendDigestHandler(deps: DepsProvider): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const editionCache = new Map<string, Promise<Edition>>();
  return async (event) => {
    const app = await deps();
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    await pMap(
      event.Records,
      async (record) => {
        try {
          const job = deliveryJobSchema.parse(JSON.parse(record.body));
          const outcome = await deliverDigest(job, { ...app, editionCache });
          logger.info('delivery', { messageId: record.messageId, outcome, editionId: job.editionId });
          if (outcome === 'sent') observability.count(DIGEST_METRICS.digestsSent);
        } catch (error) {
          const throttled = error instanceof MailerThrottledError;
          observability.count(throttled ? DIGEST_METRICS.sendThrottled : DIGEST_METRICS.sendFailed);
          logger[throttled ? 'warn' : 'error']('delivery failed', { messageId: record.messageId, error });
          failures.push({ itemIdentifier: record.messageId });
        }
      },
      { concurrency: CONCURRENCY },
    );
    return { batchItemFailures: failures };
  };
}

export const handler = observeSqs(sendDigestHandler(lambdaDeps()));
