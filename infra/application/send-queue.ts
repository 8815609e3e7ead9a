import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SEND_FLEET } from '../../functions/core/delivery/index.ts';
import type { DigestFunction } from '../digest-function.ts';
import { createDeadLetterQueue } from './dead-letter-queue.ts';

export interface SendQueue {
  /** The planner enqueues one message per batch of readers; the send function drains it. */
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

export function createSendQueue(scope: Construct): SendQueue {
  const deadLetterQueue = createDeadLetterQueue(scope, 'SendDeadLetterQueue');
  const queue = new Queue(scope, 'SendQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // AWS guidance for Lambda consumers: at least six times the function timeout.
    // The claim lease of a delivery row is this long too (CLAIM_LEASE_MS).
    visibilityTimeout: Duration.seconds(SEND_FLEET.visibilityTimeoutSeconds),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: SEND_FLEET.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}

/** The send function's trigger; the event source also grants the function what consuming takes. */
export function connectSendFunction(queue: Queue, send: DigestFunction): void {
  send.function.addEventSource(
    new SqsEventSource(queue, {
      batchSize: SEND_FLEET.batchSize,
      reportBatchItemFailures: true,
      // The senders split the account's SES rate by this figure (functions/core/delivery/send-fleet.ts),
      // so the event source must never run more of them than the code assumes.
      maxConcurrency: SEND_FLEET.maxConcurrency,
    }),
  );
}
