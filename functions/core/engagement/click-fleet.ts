/** The shape of the click counters in AWS; infra/ reads it, so the queue and the code agree. */
export const CLICK_FLEET = {
  /** Counters at once: each click is a handful of small writes, so a few drain a scanner's burst within seconds. */
  maxConcurrency: 5,
  batchSize: 10,
  timeoutSeconds: 30,
  /** AWS guidance for Lambda consumers: at least six times the function timeout. */
  visibilityTimeoutSeconds: 180,
  /** Only our own store failing makes a message retry; after this many receives it goes to the DLQ. */
  maxReceiveCount: 3,
  /** Requests per second the redirect route takes (API Gateway route throttle), apart from the stage's 50. */
  redirectRateLimit: 500,
  redirectBurstLimit: 1000,
} as const;
