/**
 * The send fleet's shape, shared by infra/ (event source, queue, timeouts) and by the sender (rate
 * split, claim lease), so the rates the senders take add up to the account's rate.
 */
export const SEND_FLEET = {
  /** The SQS event source's maxConcurrency: at most this many send-digest containers at once (2 is the lowest SQS allows). */
  maxConcurrency: 2,
  /** Messages per SQS batch handed to one invocation. */
  batchSize: 10,
  /**
   * Jobs of one batch in flight at once inside a container. The token bucket does the pacing; this
   * only has to cover the latency of a job (four DynamoDB calls and SES) at the container's rate.
   */
  jobsInFlight: 10,
  /** The send function's timeout. */
  timeoutSeconds: 60,
  /** AWS guidance for Lambda consumers: at least six times the function timeout. */
  visibilityTimeoutSeconds: 360,
  /** Receives before a message goes to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Share of the account's SES rate the fleet uses. */
  headroom: 0.97,
} as const;

/**
 * A claimed delivery row older than this belongs to a sender that is surely gone: no invocation
 * outlives the function timeout, and this is the whole visibility timeout, so a later delivery of
 * the same message may take the row over.
 */
export const CLAIM_LEASE_MS = SEND_FLEET.visibilityTimeoutSeconds * 1000;
