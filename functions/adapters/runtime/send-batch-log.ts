/**
 * What a send batch leaves in CloudWatch: metrics per recipient, a log line per job not done,
 * and one summary line per batch, not per recipient: 100k lines an hour would cost more to log
 * than to send.
 */
import { MailerThrottledError } from '../../core/shared/index.ts';
import type { SendBatchReport } from '../../core/delivery/index.ts';
import { DIGEST_METRICS } from './metric-names.ts';
import { logger, observability } from './observability.ts';

export function logSendBatch(report: SendBatchReport): void {
  for (const item of report.items) {
    let sent = 0;
    let rejected = 0;
    for (const outcome of item.recipients.values()) {
      if (outcome === 'sent') sent += 1;
      else if (outcome === 'rejected') rejected += 1;
    }
    observability.count(DIGEST_METRICS.digestsSent, sent);
    observability.count(DIGEST_METRICS.recipientsRejected, rejected);
    if (item.outcome === 'claim-held') logger.info('chunk not done: claim held by another sender', { messageId: item.id });
    if (item.outcome !== 'failed') continue;
    const throttled = item.error instanceof MailerThrottledError;
    observability.count(throttled ? DIGEST_METRICS.sendThrottled : DIGEST_METRICS.sendFailed);
    // A poison job (malformed, over SES's limits) fails every receive until the queue dead-letters it; the reason is here.
    logger[throttled ? 'warn' : 'error']('chunk failed', {
      messageId: item.id,
      error: item.error,
      ...(item.poison ? { deadLetterReason: item.poison } : {}),
    });
  }
  if (report.quotaReached) {
    const { deferred, delaySeconds, detail } = report.quotaReached;
    logger.warn('SES daily quota reached; jobs deferred', { deferred, delaySeconds, detail });
  }
  logger.info('batch done', { records: report.items.length, failed: report.notDone.length, counts: report.counts });
}
