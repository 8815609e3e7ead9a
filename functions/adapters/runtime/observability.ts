/**
 * Powertools for AWS Lambda: one logger, one EMF metrics buffer and the X-Ray tracer, shared by
 * the handlers. Outside Lambda (npm start, tests) there is no tracer and metrics are dropped, so
 * local output is the log lines alone; POWERTOOLS_LOG_LEVEL sets how many of those.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, SNSEvent, SQSEvent } from 'aws-lambda';
import { type DigestMetric, METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names.ts';

export interface Observability {
  readonly logger: Logger;
  /** Adds to a count metric of the current invocation; flushed by `handler`. */
  count(metric: DigestMetric, value?: number): void;
  /**
   * Wraps a Lambda entry point: every log line of the invocation carries its correlation id
   * (API Gateway request id, SNS message id, ...), and the invocation's metrics are flushed as
   * one EMF line when it ends, whether it returned or threw.
   */
  handler<E, R>(correlationIdOf: (event: E) => string | undefined, run: (event: E) => Promise<R>): (event: E) => Promise<R>;
}

export function createObservability(env: NodeJS.ProcessEnv = process.env): Observability {
  const logger = new Logger({ serviceName: METRICS_SERVICE });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  // EMF lines only mean something to CloudWatch; elsewhere they are noise in the terminal.
  const emitsMetrics = env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

  return {
    logger,
    count(metric, value = 1) {
      if (emitsMetrics && value > 0) metrics.addMetric(metric, MetricUnit.Count, value);
    },
    handler(correlationIdOf, run) {
      return async (event) => {
        logger.appendKeys({ correlationId: correlationIdOf(event) });
        try {
          return await run(event);
        } finally {
          if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
          logger.removeKeys(['correlationId']);
        }
      };
    },
  };
}

// The X-Ray SDK costs about half a second to load and only Lambda has a daemon to send traces
// to. Constructed at load, the tracer patches node:https, so every AWS SDK call of the
// invocation becomes a subsegment of the function's trace.
if (process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined) {
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  new Tracer({ serviceName: METRICS_SERVICE });
}

export const observability = createObservability();
export const { logger } = observability;

type Entry<E, R> = (event: E) => Promise<R>;

/** API Gateway's request id, which its access log carries too: one id from the edge to the function. */
export function observeHttp<R>(run: Entry<APIGatewayProxyEventV2, R>): Entry<APIGatewayProxyEventV2, R> {
  return observability.handler((event) => event.requestContext?.requestId, run);
}

/** A batch has no single id; each record's log lines name its own messageId. */
export function observeSqs<R>(run: Entry<SQSEvent, R>): Entry<SQSEvent, R> {
  return observability.handler((event) => event.Records[0]?.messageId, run);
}

export function observeSns<R>(run: Entry<SNSEvent, R>): Entry<SNSEvent, R> {
  return observability.handler((event) => event.Records[0]?.Sns.MessageId, run);
}

/** EventBridge Scheduler passes only the target input: the correlation id is the run's start time. */
export function observeSchedule<R>(run: Entry<unknown, R>): Entry<unknown, R> {
  return observability.handler(() => `schedule-${new Date().toISOString()}`, run);
}
