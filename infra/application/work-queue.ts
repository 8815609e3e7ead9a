import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DigestFunction } from '../digest-function.ts';
import { createDeadLetterQueue } from './dead-letter-queue.ts';

/** What a queue and its consuming Lambda are sized by: SEND_FLEET and FEED_FLEET, which the code relies on too. */
export interface QueueFleet {
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
  readonly maxConcurrency: number;
}

export interface WorkQueue {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

/** `<name>Queue`, encrypted and TLS-only, with `<name>DeadLetterQueue` after the fleet's receives. */
export function createWorkQueue(scope: Construct, name: string, fleet: QueueFleet): WorkQueue {
  const deadLetterQueue = createDeadLetterQueue(scope, `${name}DeadLetterQueue`);
  const queue = new Queue(scope, `${name}Queue`, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // At least six times the consumer's timeout (AWS guidance for Lambda consumers); the fleet sets both.
    visibilityTimeout: Duration.seconds(fleet.visibilityTimeoutSeconds),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: fleet.maxReceiveCount },
  });
  return { queue, deadLetterQueue };
}

/**
 * The consumer's trigger; the event source also grants the function what consuming takes. The
 * concurrency cap is the fleet's because the code divides shared limits (the SES rate) by it.
 */
export function drainQueue(queue: Queue, consumer: DigestFunction, fleet: QueueFleet): void {
  consumer.function.addEventSource(
    new SqsEventSource(queue, { batchSize: fleet.batchSize, reportBatchItemFailures: true, maxConcurrency: fleet.maxConcurrency }),
  );
}
