/**
 * SQS consumer: polls the feed source each message names. A feed's own failure is recorded on the
 * source (backoff, then disabled) and is no reason to retry the message; only a failure of our
 * own store is, reported per message so the rest of the batch is not polled again.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { FEED_PORT_BUILDERS } from '../adapters/feeds/feed-ports.ts';
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { logger, observability, observeSqs } from '../adapters/runtime/observability.ts';
import { DIGEST_METRICS } from '../adapters/runtime/metric-names.ts';
import { pollQueuedSource } from '../core/sources/index.ts';

const pollMessageSchema = z.object({ sourceId: z.string().regex(/^[0-9a-f]{16}$/) });

function sourceIdOf(body: string): string | undefined {
  try {
    return pollMessageSchema.parse(JSON.parse(body)).sourceId;
  } catch {
    return undefined;
  }
}

export function pollFeedsHandler(deps: DepsProvider<'sqs-poll-feeds'>): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const pollDeps = await deps();
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const sourceId = sourceIdOf(record.body);
      if (sourceId === undefined) {
        logger.error('feed poll message dropped: not {"sourceId"}', { messageId: record.messageId });
        continue;
      }
      try {
        const result = await pollQueuedSource(sourceId, pollDeps);
        if (!result) continue;
        for (const { what, cause } of result.failures) logger.warn(what, { error: cause });
        const { report } = result;
        logger.info('feed polled', { ...report, rejections: report.rejections.slice(0, 20) });
        observability.count(DIGEST_METRICS.feedsPolled);
        observability.count(DIGEST_METRICS.feedEntriesCreated, report.created);
        if (report.status === 'error') observability.count(DIGEST_METRICS.feedErrors);
      } catch (error) {
        logger.error('feed poll failed', { error, sourceId });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

export const handler = observeSqs(pollFeedsHandler(lambdaDeps('sqs-poll-feeds', { builders: FEED_PORT_BUILDERS })));
