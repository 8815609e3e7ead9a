import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DIGEST_METRICS, type DigestMetric, METRICS_NAMESPACE, METRICS_SERVICE } from '../functions/adapters/runtime/metric-names.ts';
import type { DigestFunction } from './digest-function.ts';
import { OPEN_TOO_LONG_MS } from '../functions/core/delivery/index.ts';

/**
 * SES reviews an account at 5% bounces or 0.1% complaints and may pause sending at 10% / 0.5%:
 * the alarms fire below the review line, while there is still time to act.
 */
export const SES_BOUNCE_RATE_ALARM = 0.04;
export const SES_COMPLAINT_RATE_ALARM = 0.0008;
/** Failed sends (not throttles) in five minutes before anyone is woken: single failures retry by themselves. */
export const SEND_FAILURES_ALARM = 10;

export interface DigestMonitoringProps {
  readonly alarmEmail?: string;
  readonly api: HttpApi;
  readonly sendQueue: Queue;
  /** Every dead-letter queue by what it catches; any message in one is an alarm. */
  readonly deadLetterQueues: Readonly<Record<string, Queue>>;
  readonly functions: Readonly<Record<string, DigestFunction>>;
}

/** The alarm topic, the alarms on it, and one dashboard with the same signals. */
export class DigestMonitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: DigestMonitoringProps) {
    super(scope, id);
    this.alarmTopic = createAlarmTopic(this, props.alarmEmail);
    const alarm = alarmsNotifying(this, this.alarmTopic);
    addDeadLetterAlarms(alarm, props.deadLetterQueues);
    addFunctionErrorAlarms(alarm, props.functions);
    addSendingAlarms(alarm);
    addApiAlarms(alarm, props.api);
    this.dashboard = createDashboard(this, props);
  }
}

/** Adds one alarm that notifies the alarm topic; ids end in `Alarm`. */
type AddAlarm = (name: string, description: string, metric: IMetric, threshold: number, comparison?: ComparisonOperator) => void;

function createAlarmTopic(scope: Construct, alarmEmail: string | undefined): Topic {
  const topic = new Topic(scope, 'AlarmTopic', { displayName: 'digest-mailer alarms', enforceSSL: true });
  if (alarmEmail) topic.addSubscription(new EmailSubscription(alarmEmail));
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'Alarm notifications carry no reader data, and CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key; a customer key would cost more than it protects.',
  });
  return topic;
}

function alarmsNotifying(scope: Construct, topic: Topic): AddAlarm {
  const action = new SnsAction(topic);
  return (name, description, metric, threshold, comparison = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD) => {
    new Alarm(scope, `${name}Alarm`, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: comparison,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(action);
  };
}

function addDeadLetterAlarms(alarm: AddAlarm, deadLetterQueues: DigestMonitoringProps['deadLetterQueues']): void {
  for (const [name, queue] of Object.entries(deadLetterQueues)) {
    alarm(
      `${name}DeadLetters`,
      `A message reached the ${name} dead-letter queue: it failed every retry and needs a look.`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      1,
    );
  }
}

function addFunctionErrorAlarms(alarm: AddAlarm, functions: DigestMonitoringProps['functions']): void {
  for (const [name, fn] of Object.entries(functions)) {
    alarm(
      `${name}Errors`,
      `The ${name} function failed (threw or timed out).`,
      fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      1,
    );
  }
}

/** Failed sends, and the account's reputation as SES reviews it. */
function addSendingAlarms(alarm: AddAlarm): void {
  alarm(
    'SendFailures',
    `${SEND_FAILURES_ALARM} or more digests failed to send in five minutes (throttles not counted).`,
    digestMetric(DIGEST_METRICS.sendFailed, Duration.minutes(5)),
    SEND_FAILURES_ALARM,
  );
  alarm(
    'ChunksOpenTooLong',
    `A chunk of today has been open or claimed for ${OPEN_TOO_LONG_MS / 60_000} minutes or more since it was planned (each hourly run counts them, ` +
      'and sends the stranded ones again): `digest send status` shows which.',
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: DIGEST_METRICS.chunksOpenTooLong,
      dimensionsMap: { service: METRICS_SERVICE },
      statistic: 'Maximum',
      period: Duration.hours(1),
    }),
    1,
  );
  alarm(
    'RenderingFailures',
    'SES could not render a digest for a recipient (Rendering Failure event): the template or its data is broken.',
    digestMetric(DIGEST_METRICS.renderingFailures, Duration.minutes(5)),
    1,
  );
  alarm(
    'SendPaused',
    'The send guard paused a send: its permanent bounces or complaints passed the SEND_GUARD_* limits. ' +
      'Check the list, then `npx digest send resume SEND` or `npx digest send cancel SEND`.',
    digestMetric(DIGEST_METRICS.sendsPaused, Duration.minutes(5)),
    1,
  );
  alarm(
    'SesBounceRate',
    `The account's SES bounce rate is above ${SES_BOUNCE_RATE_ALARM * 100}% (SES reviews at 5%, may pause at 10%).`,
    sesReputation('Reputation.BounceRate'),
    SES_BOUNCE_RATE_ALARM,
    ComparisonOperator.GREATER_THAN_THRESHOLD,
  );
  alarm(
    'SesComplaintRate',
    `The account's SES complaint rate is above ${SES_COMPLAINT_RATE_ALARM * 100}% (SES reviews at 0.1%, may pause at 0.5%).`,
    sesReputation('Reputation.ComplaintRate'),
    SES_COMPLAINT_RATE_ALARM,
    ComparisonOperator.GREATER_THAN_THRESHOLD,
  );
}

function addApiAlarms(alarm: AddAlarm, api: HttpApi): void {
  alarm(
    'Api5xx',
    'The HTTP API answered 5xx: a function failed or timed out behind it.',
    api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
    1,
  );
}

/** Four rows: the title; mail and its feedback; ingest and the queues; the API and the functions. */
function createDashboard(scope: Construct, props: DigestMonitoringProps): Dashboard {
  const dashboard = new Dashboard(scope, 'Dashboard', { dashboardName: Stack.of(scope).stackName, defaultInterval: Duration.days(1) });
  dashboard.addWidgets(
    new TextWidget({
      markdown:
        '# digest-mailer\nSends, SES feedback and reputation, the send queue, the API and every function. ' +
        `Alarms fire at a bounce rate over ${SES_BOUNCE_RATE_ALARM * 100}% and a complaint rate over ${SES_COMPLAINT_RATE_ALARM * 100}%.`,
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(...mailWidgets());
  dashboard.addWidgets(...pipelineWidgets(props));
  dashboard.addWidgets(...apiAndFunctionWidgets(props));
  return dashboard;
}

function mailWidgets(): IWidget[] {
  return [
    new GraphWidget({
      title: 'Digests sent, throttled, failed',
      left: [DIGEST_METRICS.digestsSent, DIGEST_METRICS.sendThrottled, DIGEST_METRICS.sendFailed].map((name) => digestMetric(name)),
      width: 8,
    }),
    new GraphWidget({
      title: 'Readers suppressed: bounces and complaints',
      left: [DIGEST_METRICS.bounces, DIGEST_METRICS.complaints].map((name) => digestMetric(name)),
      width: 8,
    }),
    new SingleValueWidget({
      title: 'SES reputation (alarm at 4% / 0.08%)',
      metrics: [sesReputation('Reputation.BounceRate'), sesReputation('Reputation.ComplaintRate')],
      width: 8,
    }),
  ];
}

function pipelineWidgets({ sendQueue, deadLetterQueues }: DigestMonitoringProps): IWidget[] {
  const deadLetterDepths = Object.entries(deadLetterQueues).map(([name, queue]) =>
    queue.metricApproximateNumberOfMessagesVisible({ label: name, statistic: 'Maximum' }),
  );
  return [
    new GraphWidget({
      title: 'Articles ingested',
      left: [digestMetric(DIGEST_METRICS.articlesIngested)],
      width: 8,
    }),
    new GraphWidget({
      title: 'Send queue: waiting and oldest (s)',
      left: [sendQueue.metricApproximateNumberOfMessagesVisible()],
      right: [sendQueue.metricApproximateAgeOfOldestMessage()],
      width: 8,
    }),
    new GraphWidget({ title: 'Dead-letter queues', left: deadLetterDepths, width: 8 }),
  ];
}

function apiAndFunctionWidgets({ api, functions }: DigestMonitoringProps): IWidget[] {
  const fnMetrics = (pick: (fn: DigestFunction) => IMetric): IMetric[] => Object.values(functions).map(pick);
  return [
    new GraphWidget({
      title: 'API requests, 4xx, 5xx',
      left: [api.metricCount(), api.metricClientError(), api.metricServerError()],
      right: [api.metricLatency({ statistic: 'p99' })],
      width: 8,
    }),
    new GraphWidget({ title: 'Function errors', left: fnMetrics((fn) => fn.function.metricErrors()), width: 8 }),
    new GraphWidget({
      title: 'Function duration p99 (ms)',
      left: fnMetrics((fn) => fn.function.metricDuration({ statistic: 'p99' })),
      width: 8,
    }),
  ];
}

/** A count the handlers emit through Powertools, which adds the service dimension. */
function digestMetric(metricName: DigestMetric, period = Duration.hours(1)): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic: 'Sum',
    period,
  });
}

/** Account-wide, as SES's own review measures it (SES publishes these without dimensions). */
function sesReputation(metricName: 'Reputation.BounceRate' | 'Reputation.ComplaintRate'): Metric {
  return new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
}
