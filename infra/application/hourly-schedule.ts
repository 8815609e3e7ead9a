import { Duration, type Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { DigestFunction } from '../digest-function.ts';
import { createDeadLetterQueue } from './dead-letter-queue.ts';

/** Invokes the planner at the top of every hour; returns the schedule's dead-letter queue. */
export function createHourlySchedule(stack: Stack, plan: DigestFunction): Queue {
  const deadLetterQueue = createDeadLetterQueue(stack, 'ScheduleDeadLetterQueue', 'the hourly schedule');
  // The planner reads the clock, so a run retried past its hour would plan the next hour's readers:
  // both Lambda's own retries and the scheduler's give up well inside the hour.
  plan.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.minutes(30) });
  const schedulerRole = new Role(stack, 'PlanDigestSchedulerRole', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  });
  const planLogicalId = stack.getLogicalId(plan.function.node.defaultChild as CfnFunction);
  Validations.of(schedulerRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${planLogicalId}.Arn>:*]`,
    reason: "CDK's grantInvoke adds the function's qualified ARNs (versions, aliases); the wildcard never leaves the plan function.",
  });
  new Schedule(stack, 'PlanDigestSchedule', {
    description: 'Top of every hour (UTC): plan the digests whose local send hour is now',
    schedule: ScheduleExpression.cron({ minute: '0' }),
    target: new LambdaInvoke(plan.function, {
      input: ScheduleTargetInput.fromObject({ mode: 'scheduled' }),
      role: schedulerRole,
      deadLetterQueue,
      retryAttempts: 3,
      maxEventAge: Duration.minutes(30),
    }),
  });
  return deadLetterQueue;
}
