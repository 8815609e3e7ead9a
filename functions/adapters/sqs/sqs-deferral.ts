/** Defers SQS messages by moving their visibility timeout (ChangeMessageVisibilityBatch, ten at a time). */
import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { JobDeferral, QueuedJobReceipt } from '../../core/delivery/index.ts';

/** SQS caps a message's visibility timeout at 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

/** arn:aws:sqs:<region>:<account>:<name> -> https://sqs.<region>.amazonaws.com/<account>/<name> */
export function queueUrlFromArn(arn: string): string {
  const [, , , region, account, name] = arn.split(':');
  if (!region || !account || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

export class SqsJobDeferral implements JobDeferral {
  constructor(private readonly client: SQSClient) {}

  async defer(receipts: readonly QueuedJobReceipt[], seconds: number): Promise<void> {
    const timeout = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(seconds)));
    for (let i = 0; i < receipts.length; i += 10) {
      const batch = receipts.slice(i, i + 10);
      const first = batch[0];
      if (!first) continue;
      await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrlFromArn(first.queueArn),
          Entries: batch.map((receipt, index) => ({
            Id: String(index),
            ReceiptHandle: receipt.receiptHandle,
            VisibilityTimeout: timeout,
          })),
        }),
      );
    }
  }
}
