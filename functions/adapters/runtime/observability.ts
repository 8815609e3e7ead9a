/**
 * Powertools for AWS Lambda: one logger, one EMF metrics buffer and the X-Ray tracer, shared by
 * the handlers. Outside Lambda (npm start, tests) there is no tracer and metrics are dropped, so
 * local output is the log lines alone; POWERTOOLS_LOG_LEVEL sets how many of those.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { APIGatewayProxyEventV2, Context, SNSEvent, SQSEvent } from 'aws-lambda';
import { type DigestMetric, METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names.ts';

/** The part of Powertools' Tracer the wrapper uses, so a test can stand in for X-Ray. */
export type HandlerTracer = Pick<
  Tracer,
  'getSegment' | 'setSegment' | 'annotateColdStart' | 'addServiceNameAnnotation' | 'addErrorAsMetadata' | 'captureAWSv3Client'
>;

/** A Lambda entry point; the runtime always passes the context, local callers and tests may not. */
export type Entry<E, R> = (event: E, context?: Context) => Promise<R>;

export interface Observability {
  readonly logger: Logger;
  /** Adds to a count metric of the current invocation; flushed by `handler`. */
  count(metric: DigestMetric, value?: number): void;
  /** The client, with its calls traced as X-Ray subsegments named for the service (Lambda only). */
  captureAwsClient<T>(client: T): T;
  /**
   * Wraps a Lambda entry point: every log line of the invocation carries its correlation id
   * (API Gateway request id, SNS message id, ...) and the Lambda context (cold_start,
   * function_name, function_version, ...); the invocation runs in a `## handler` subsegment
   * annotated with ColdStart; its metrics are flushed as one EMF line when it ends, whether it
   * returned or threw.
   */
  handler<E, R>(correlationIdOf: (event: E) => string | undefined, run: (event: E) => Promise<R>): Entry<E, R>;
}

export function createObservability(env: NodeJS.ProcessEnv = process.env, tracer?: HandlerTracer): Observability {
  const logger = new Logger({ serviceName: METRICS_SERVICE });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  // EMF lines only mean something to CloudWatch; elsewhere they are noise in the terminal.
  const emitsMetrics = env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  const handlerName = env._HANDLER ?? 'handler';

  const traced = async <R>(run: () => Promise<R>): Promise<R> => {
    const segment = tracer?.getSegment();
    if (!tracer || !segment) return run();
    const subsegment = segment.addNewSubsegment(`## ${handlerName}`);
    tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    try {
      // No response metadata: pages, data downloads and plan reports carry readers' addresses
      // and signed links, which do not belong in traces any more than in logs.
      return await run();
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment.close();
      tracer.setSegment(segment);
    }
  };

  return {
    logger,
    count(metric, value = 1) {
      if (emitsMetrics && value > 0) metrics.addMetric(metric, MetricUnit.Count, value);
    },
    captureAwsClient(client) {
      return tracer ? tracer.captureAWSv3Client(client) : client;
    },
    handler(correlationIdOf, run) {
      return async (event, context) => {
        if (context) {
          logger.addContext(context);
          // Powertools' default formatter leaves the version out of the context fields it prints.
          logger.appendPersistentKeys({ function_version: context.functionVersion });
        }
        logger.appendKeys({ correlationId: correlationIdOf(event) });
        try {
          return await traced(() => run(event));
        } finally {
          if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
          logger.removeKeys(['correlationId']);
        }
      };
    },
  };
}

// The X-Ray SDK costs about half a second to load and only Lambda has a daemon to send traces to.
// Constructed at load, the tracer also patches node:https, so calls no wrapper sees are traced too.
const lambdaTracer: HandlerTracer | undefined =
  process.env.AWS_LAMBDA_FUNCTION_NAME === undefined
    ? undefined
    : new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: METRICS_SERVICE });

export const observability = createObservability(process.env, lambdaTracer);
export const { logger } = observability;

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
