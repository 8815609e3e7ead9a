/**
 * Feed polling in AWS: an EventBridge Scheduler rule every 15 minutes invokes the feed planner,
 * which queues the due sources on an SQS queue (with a DLQ); the poller drains it at bounded
 * concurrency. Both functions' grants come from their handlers' declared ports (grants.ts); the
 * alarm fires while any source has failed for a day.
 */
import { Duration, type Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { DIGEST_METRICS, METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/adapters/runtime/metric-names.ts';
import { FEED_FLEET } from '../../functions/core/sources/feed-fleet.ts';
import type { DigestFunction } from '../digest-function.ts';
import { createDeadLetterQueue } from './dead-letter-queue.ts';
import { createWorkQueue, drainQueue, type WorkQueue } from './work-queue.ts';

export interface FeedQueue extends WorkQueue {
  /** Where the scheduler puts invocations of the planner it could not make. */
  readonly scheduleDeadLetterQueue: Queue;
}

/** The queue exists before the functions, which carry its URL. */
export function createFeedQueue(stack: Stack): FeedQueue {
  const polls = createWorkQueue(stack, 'FeedPoll', FEED_FLEET);
  const scheduleDeadLetterQueue = createDeadLetterQueue(stack, 'FeedScheduleDeadLetterQueue', 'the feed schedule');
  return { ...polls, scheduleDeadLetterQueue };
}

/** The schedule, the poller's trigger, and the alarm on sources failing for a day. */
export function connectFeedPolling(stack: Stack, feeds: FeedQueue, plan: DigestFunction, poll: DigestFunction, alarmTopic: ITopic): void {
  drainQueue(feeds.queue, poll, FEED_FLEET);
  // A missed run is made up by the next one 15 minutes later: no point retrying an old one.
  plan.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(10) });
  const schedulerRole = new Role(stack, 'PlanFeedPollsSchedulerRole', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  });
  const planLogicalId = stack.getLogicalId(plan.function.node.defaultChild as CfnFunction);
  Validations.of(schedulerRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${planLogicalId}.Arn>:*]`,
    reason: "CDK's grantInvoke adds the function's qualified ARNs (versions, aliases); the wildcard never leaves the feed planner.",
  });
  new Schedule(stack, 'PlanFeedPollsSchedule', {
    description: 'Every 15 minutes: queue the feed sources that are due',
    schedule: ScheduleExpression.rate(Duration.minutes(FEED_FLEET.scheduleMinutes)),
    target: new LambdaInvoke(plan.function, {
      role: schedulerRole,
      deadLetterQueue: feeds.scheduleDeadLetterQueue,
      retryAttempts: 1,
      maxEventAge: Duration.minutes(10),
    }),
  });
  new Alarm(stack, 'FeedSourceFailingForADayAlarm', {
    alarmDescription: 'A feed source has failed every poll for a day or more (`digest sources list` shows which, and why).',
    metric: new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: DIGEST_METRICS.feedSourcesFailingForADay,
      dimensionsMap: { service: METRICS_SERVICE },
      statistic: 'Maximum',
      period: Duration.minutes(FEED_FLEET.scheduleMinutes),
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(new SnsAction(alarmTopic));
}
