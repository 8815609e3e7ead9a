/** The shape of the feed pollers in AWS; infra/ reads it, so the queue and the code agree. */
export const FEED_FLEET = {
  /** Pollers at once: bounded, so a thousand due feeds do not open a thousand connections at once. */
  maxConcurrency: 5,
  /** One source per invocation: its fetch, parse and full-text fetches fit well inside the timeout. */
  batchSize: 1,
  timeoutSeconds: 300,
  /** AWS guidance for Lambda consumers: at least six times the function timeout. */
  visibilityTimeoutSeconds: 1800,
  /** Only our own store failing makes a message retry; after this many receives it goes to the DLQ. */
  maxReceiveCount: 3,
  scheduleMinutes: 15,
} as const;
