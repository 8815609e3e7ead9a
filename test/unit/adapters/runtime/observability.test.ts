import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIGEST_METRICS, METRICS_NAMESPACE } from '../../../../functions/adapters/runtime/metric-names.ts';
import { createObservability, type HandlerTracer } from '../../../../functions/adapters/runtime/observability.ts';

/** Powertools writes through its own Console on process.stdout; read the JSON lines it wrote. */
function captureStdout(): { lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('createObservability', () => {
  it('flushes the counts of an invocation as one EMF line in the DigestMailer namespace when it ends', async () => {
    const stdout = captureStdout();
    const observability = createObservability({ AWS_LAMBDA_FUNCTION_NAME: 'send-digest' });
    observability.logger.setLogLevel('SILENT');

    const run = observability.handler(
      () => 'message-1',
      async () => {
        observability.count(DIGEST_METRICS.digestsSent);
        observability.count(DIGEST_METRICS.digestsSent);
        observability.count(DIGEST_METRICS.sendThrottled);
      },
    );
    await run({});

    const emf = stdout.lines().filter((line) => '_aws' in line);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ DigestsSent: [1, 1], SendThrottled: 1, service: 'digest-mailer' });
    const directives = (emf[0]!._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics;
    expect(directives[0]!.Namespace).toBe(METRICS_NAMESPACE);
  });

  it('flushes the counts even when the invocation throws', async () => {
    const stdout = captureStdout();
    const observability = createObservability({ AWS_LAMBDA_FUNCTION_NAME: 'ses-events' });
    observability.logger.setLogLevel('SILENT');
    const run = observability.handler(
      () => undefined,
      async () => {
        observability.count(DIGEST_METRICS.bounces, 2);
        throw new Error('table unavailable');
      },
    );

    await expect(run({})).rejects.toThrow('table unavailable');
    expect(stdout.lines().filter((line) => '_aws' in line)).toEqual([expect.objectContaining({ Bounces: 2 })]);
  });

  it('emits no metrics outside Lambda, so local runs print log lines only', async () => {
    const stdout = captureStdout();
    const observability = createObservability({});
    observability.logger.setLogLevel('SILENT');
    await observability.handler(
      () => 'request-1',
      async () => observability.count(DIGEST_METRICS.articlesIngested, 5),
    )({});

    expect(stdout.lines()).toEqual([]);
  });

  it('puts the correlation id on every log line of the invocation and drops it afterwards', async () => {
    const stdout = captureStdout();
    const observability = createObservability({});
    observability.logger.setLogLevel('INFO');
    await observability.handler(
      () => 'request-42',
      async () => observability.logger.info('inside'),
    )({});
    observability.logger.info('outside');

    const [inside, outside] = stdout.lines();
    expect(inside).toMatchObject({ message: 'inside', correlationId: 'request-42', service: 'digest-mailer' });
    expect(outside).toMatchObject({ message: 'outside' });
    expect(outside).not.toHaveProperty('correlationId');
  });
});

const LAMBDA_CONTEXT = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'digest-SendDigest',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:digest-SendDigest',
  memoryLimitInMB: '512',
  awsRequestId: 'request-1',
  logGroupName: '/aws/lambda/digest-SendDigest',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** Records what the wrapper asks of X-Ray, in order. */
function fakeTracer() {
  const calls: string[] = [];
  const subsegment = { close: () => calls.push('close') };
  const facade = {
    addNewSubsegment: (name: string) => {
      calls.push(`subsegment ${name}`);
      return subsegment;
    },
  };
  const tracer = {
    getSegment: () => facade,
    setSegment: (segment: unknown) => calls.push(segment === facade ? 'set facade' : 'set subsegment'),
    annotateColdStart: () => calls.push('annotate ColdStart'),
    addServiceNameAnnotation: () => calls.push('annotate Service'),
    addErrorAsMetadata: (error: Error) => calls.push(`error metadata ${error.message}`),
    captureAWSv3Client: <T>(client: T): T => {
      calls.push('capture client');
      return client;
    },
  };
  return { tracer: tracer as unknown as HandlerTracer, calls };
}

describe('createObservability in Lambda', () => {
  it('puts cold_start, function_name and function_version on every log line of an invocation', async () => {
    const stdout = captureStdout();
    // Lambda sets this for on-demand environments; Powertools reports a cold start only then.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const observability = createObservability({});
    observability.logger.setLogLevel('INFO');
    const run = observability.handler(
      () => 'message-1',
      async () => {
        observability.logger.info('first');
        observability.logger.info('second');
      },
    );

    await run({}, LAMBDA_CONTEXT);
    await run({}, LAMBDA_CONTEXT);

    const lines = stdout.lines();
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).toMatchObject({ function_name: 'digest-SendDigest', function_version: '$LATEST', correlationId: 'message-1' });
      expect(typeof line.cold_start).toBe('boolean');
    }
    expect(lines.map((line) => line.cold_start)).toEqual([true, true, false, false]);
  });

  it('runs the handler in a "## handler" subsegment annotated with the cold start, and closes it', async () => {
    const { tracer, calls } = fakeTracer();
    const observability = createObservability({ _HANDLER: 'index.handler' }, tracer);
    observability.logger.setLogLevel('SILENT');

    await observability.handler(
      () => undefined,
      async () => 'done',
    )({}, LAMBDA_CONTEXT);

    expect(calls).toEqual([
      'subsegment ## index.handler',
      'set subsegment',
      'annotate ColdStart',
      'annotate Service',
      'close',
      'set facade',
    ]);
  });

  it('records a thrown error on the handler subsegment and still closes it', async () => {
    const { tracer, calls } = fakeTracer();
    const observability = createObservability({}, tracer);
    observability.logger.setLogLevel('SILENT');
    const run = observability.handler(
      () => undefined,
      async () => {
        throw new Error('table unavailable');
      },
    );

    await expect(run({}, LAMBDA_CONTEXT)).rejects.toThrow('table unavailable');
    expect(calls.slice(-3)).toEqual(['error metadata table unavailable', 'close', 'set facade']);
  });

  it('traces AWS SDK clients through the tracer, and leaves them alone without one', () => {
    const { tracer, calls } = fakeTracer();
    const client = { send: () => undefined };
    expect(createObservability({}, tracer).captureAwsClient(client)).toBe(client);
    expect(calls).toEqual(['capture client']);
    expect(createObservability({}).captureAwsClient(client)).toBe(client);
  });
});
