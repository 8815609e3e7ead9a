/**
 * The application's CloudWatch metrics: emitted by the handlers through observability.ts (EMF),
 * alarmed on and graphed by infra/. One list so the two cannot drift apart.
 */
export const METRICS_NAMESPACE = 'DigestMailer';
/** The only dimension Powertools adds by default; alarms and the dashboard must name it too. */
export const METRICS_SERVICE = 'digest-mailer';

export const DIGEST_METRICS = {
  /** Articles stored by POST /articles (new ones, not duplicates). */
  articlesIngested: 'ArticlesIngested',
  /** Digests SES accepted. */
  digestsSent: 'DigestsSent',
  /** Sends SES refused with a throttling error; the message goes back to the queue. */
  sendThrottled: 'SendThrottled',
  /** Sends that failed for any other reason; the message goes back to the queue, then to the DLQ. */
  sendFailed: 'SendFailed',
  /** Recipients SES could not render the inline template for (Rendering Failure events). */
  renderingFailures: 'RenderingFailures',
  /** Recipients SES refused inside a bulk call (a bad address): recorded, not retried. */
  recipientsRejected: 'RecipientsRejected',
  /** Readers suppressed after a permanent bounce. */
  bounces: 'Bounces',
  /** Readers suppressed after a complaint. */
  complaints: 'Complaints',
  /** Sends the send guard paused (bounces or complaints over its limits): alarmed on. */
  sendsPaused: 'SendsPaused',
  /** Readers suppressed after transient bounces on several sends in a row. */
  softBounceSuppressions: 'SoftBounceSuppressions',
  /** Feed sources polled (fetched, not modified or failed). */
  feedsPolled: 'FeedsPolled',
  /** Articles created from feed entries (new ones, not duplicates). */
  feedEntriesCreated: 'FeedEntriesCreated',
  /** Feed polls that failed (unreachable, refused address, timeout, too large, not a feed). */
  feedErrors: 'FeedErrors',
  /** Sources whose polls have failed for a day or more (disabled ones included), as each planner run counts them. */
  feedSourcesFailingForADay: 'FeedSourcesFailingForADay',
  /** Stranded chunks of today (dead-lettered, or left by a dead sender) the hourly run enqueued again. */
  chunksRepicked: 'ChunksRepicked',
  /** Chunks of today still open or claimed an hour or more after they were planned, as each hourly run counts them. */
  chunksOpenTooLong: 'ChunksOpenTooLong',
  /** Story-link clicks the redirect queued for counting. */
  clicksQueued: 'ClicksQueued',
  /** Clicks not counted: HEAD requests, clicks too soon after sending, scanners' bursts. */
  clicksFiltered: 'ClicksFiltered',
  /** Clicks the counter counted. */
  clicksCounted: 'ClicksCounted',
} as const;

export type DigestMetric = (typeof DIGEST_METRICS)[keyof typeof DIGEST_METRICS];
