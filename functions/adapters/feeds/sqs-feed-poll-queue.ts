/**
 * The feed poll queue over SQS: one message per due source (`{"sourceId"}`), ten to a
 * SendMessageBatch. Entries SQS refuses are sent once more; any still refused fail the planner
 * run, whose schedule retries it (a source queued twice is polled once: pollQueuedSource checks).
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FeedPollQueue } from '../../core/sources/index.ts';

const BATCH_SIZE = 10;
const ATTEMPTS = 2;

export class FeedQueueError extends Error {
  override name = 'FeedQueueError';
}

export class SqsFeedPollQueue implements FeedPollQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(sourceIds: readonly string[]): Promise<void> {
    for (let start = 0; start < sourceIds.length; start += BATCH_SIZE) {
      let pending = sourceIds
        .slice(start, start + BATCH_SIZE)
        .map((sourceId, index) => ({ Id: String(index), MessageBody: JSON.stringify({ sourceId }) }));
      for (let attempt = 1; pending.length > 0; attempt += 1) {
        const result = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        const failedIds = new Set((result.Failed ?? []).map((failure) => failure.Id));
        pending = pending.filter((entry) => failedIds.has(entry.Id));
        if (pending.length > 0 && attempt >= ATTEMPTS) {
          throw new FeedQueueError(
            `SQS refused ${pending.length} feed poll message(s): ${(result.Failed ?? []).map((f) => f.Code).join(', ')}`,
          );
        }
      }
    }
  }
}
