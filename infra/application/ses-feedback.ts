import { ConfigurationSet, EmailSendingEvent, EventDestination, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { DigestFunction } from '../digest-function.ts';
import { createDeadLetterQueue } from './dead-letter-queue.ts';

/** Every send names this set (SES_CONFIGURATION_SET), which is what routes its events to the feedback topic. */
export function createMailConfigurationSet(scope: Construct): ConfigurationSet {
  return new ConfigurationSet(scope, 'MailConfigurationSet', {
    reputationMetrics: true,
    suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
  });
}

/**
 * Bounces and complaints: SES -> SNS -> ses-events, which suppresses the address.
 * Returns the dead-letter queue of the subscription that feeds ses-events.
 */
export function createSesFeedback(scope: Construct, configurationSet: ConfigurationSet, sesEvents: DigestFunction): Queue {
  const feedbackKey = new Key(scope, 'FeedbackTopicKey', {
    enableKeyRotation: true,
    description: 'Encrypts SES bounce and complaint events, which carry reader addresses',
  });
  feedbackKey.grant(new ServicePrincipal('ses.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
  const feedbackTopic = new Topic(scope, 'FeedbackTopic', {
    displayName: 'digest-mailer SES feedback',
    masterKey: feedbackKey,
    enforceSSL: true,
  });
  configurationSet.addEventDestination('FeedbackToSns', {
    destination: EventDestination.snsTopic(feedbackTopic),
    // Sends mark the delivery row sent (closing the sender's crash window); deliveries and
    // rejects change nothing in the table: ses-events counts them as ignored.
    events: [
      EmailSendingEvent.SEND,
      EmailSendingEvent.BOUNCE,
      EmailSendingEvent.COMPLAINT,
      EmailSendingEvent.DELIVERY,
      EmailSendingEvent.REJECT,
      EmailSendingEvent.RENDERING_FAILURE,
    ],
  });
  const deadLetterQueue = createDeadLetterQueue(scope, 'FeedbackDeadLetterQueue', 'the SNS subscription that feeds ses-events');
  feedbackTopic.addSubscription(new LambdaSubscription(sesEvents.function, { deadLetterQueue }));
  return deadLetterQueue;
}
