/**
 * SQS consumer: one digest per message, through the batch policy of core/delivery/send-batch.ts.
 * Messages not done are reported individually (ReportBatchItemFailures), so one bad recipient
 * never re-sends the rest of the batch; after the queue's maxReceiveCount they land in the DLQ.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { observeSqs } from '../adapters/runtime/observability.ts';
import { logSendBatch } from '../adapters/runtime/send-batch-log.ts';
import { type QueuedDelivery, sendBatch } from '../core/delivery/index.ts';

function queuedDelivery(record: SQSRecord): QueuedDelivery {
  return {
    id: record.messageId,
    body: record.body,
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    receipt: { queueArn: record.eventSourceARN, receiptHandle: record.receiptHandle },
  };
}

export function sendDigestHandler(deps: DepsProvider<'sqs-send-digest'>): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const report = await sendBatch(event.Records.map(queuedDelivery), await deps());
    logSendBatch(report);
    return { batchItemFailures: report.notDone.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

export const handler = observeSqs(sendDigestHandler(lambdaDeps('sqs-send-digest')));
