/**
 * SQS consumer: counts the clicks the redirect queued (core/engagement/count-click.ts). A message
 * that is no click is dropped; a failure of our own store is retried, per message.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { DIGEST_METRICS } from '../adapters/runtime/metric-names.ts';
import { logger, observability, observeSqs } from '../adapters/runtime/observability.ts';
import { countClick } from '../core/engagement/index.ts';

const clickMessage = z.object({ token: z.string().max(1024), at: z.iso.datetime() });

export function countClicksHandler(deps: DepsProvider<'sqs-count-clicks'>): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const app = await deps();
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      let message;
      try {
        message = clickMessage.parse(JSON.parse(record.body));
      } catch {
        logger.error('click message dropped: not {"token","at"}', { messageId: record.messageId });
        continue;
      }
      try {
        const counted = await countClick(message, app);
        observability.count(counted === 'burst' || counted === 'invalid' ? DIGEST_METRICS.clicksFiltered : DIGEST_METRICS.clicksCounted);
      } catch (error) {
        logger.error('click not counted', { error, messageId: record.messageId });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

export const handler = observeSqs(countClicksHandler(lambdaDeps('sqs-count-clicks')));
