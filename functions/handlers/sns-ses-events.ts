/**
 * SNS subscription for the SES configuration set's events: bounces and complaints suppress, sends
 * confirm the ledger, outcomes feed the send guard (which may pause the send) and soft-bounce runs, and outcomes count per send.
 */
import type { SNSEvent } from 'aws-lambda';
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { DIGEST_METRICS } from '../adapters/runtime/metric-names.ts';
import { logger, observability, observeSns } from '../adapters/runtime/observability.ts';
import { applySendGuard, applySesFeedback, applySoftBounceHygiene, confirmSesSend, countSendOutcome } from '../core/delivery/index.ts';
import { ValidationError } from '../core/shared/index.ts';

export function sesEventsHandler(deps: DepsProvider<'sns-ses-events'>): (event: SNSEvent) => Promise<void> {
  return async (event) => {
    const app = await deps();
    for (const record of event.Records) {
      let message: unknown;
      try {
        message = JSON.parse(record.Sns.Message);
      } catch (error) {
        throw new ValidationError('The SNS message is not JSON.', [{ field: 'Sns.Message', message: 'must be JSON' }], { cause: error });
      }
      const report = await applySesFeedback(message, app);
      const confirmedSends = await confirmSesSend(message, app);
      await countSendOutcome(message, app);
      const guard = await applySendGuard(message, app);
      const softBounces = await applySoftBounceHygiene(message, app);
      if (guard.paused) logger.warn('send paused by the send guard', guard.paused);
      // Counts only: addresses are personal data and do not belong in logs.
      logger.info('ses feedback', {
        messageId: record.Sns.MessageId,
        suppressed: report.suppressed.length,
        ignored: report.ignored,
        renderingFailed: report.renderingFailed ?? 0,
        confirmedSends,
        softBounceSuppressed: softBounces.suppressed.length,
      });
      observability.count(DIGEST_METRICS.sendsPaused, guard.paused ? 1 : 0);
      observability.count(DIGEST_METRICS.softBounceSuppressions, softBounces.suppressed.length);
      observability.count(DIGEST_METRICS.renderingFailures, report.renderingFailed ?? 0);
      observability.count(DIGEST_METRICS.bounces, report.suppressed.filter((entry) => entry.status === 'bounced').length);
      observability.count(DIGEST_METRICS.complaints, report.suppressed.filter((entry) => entry.status === 'complained').length);
    }
  };
}

export const handler = observeSns(sesEventsHandler(lambdaDeps('sns-ses-events')));
