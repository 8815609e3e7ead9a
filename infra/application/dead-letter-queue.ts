import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Encrypted, TLS-only, kept 14 days. `deadLetterFor` names a non-SQS source (cdk-nag only sees
 * queues that serve another queue as dead-letter queues, and would ask this one for its own).
 */
export function createDeadLetterQueue(scope: Construct, id: string, deadLetterFor?: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  if (deadLetterFor) {
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter queue of ${deadLetterFor}.`,
    });
  }
  return queue;
}
