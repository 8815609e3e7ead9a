import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIGEST_METRICS, METRICS_NAMESPACE } from '../../functions/adapters/runtime/metric-names.ts';
import { createObservability } from '../../functions/adapters/runtime/observability.ts';

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
