/** Every 15 minutes (EventBridge Scheduler): queue the feed sources that are due, one SQS message each. */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { logger, observability, observeSchedule } from '../adapters/runtime/observability.ts';
import { DIGEST_METRICS } from '../adapters/runtime/metric-names.ts';
import { planFeedPolls } from '../core/sources/index.ts';

export function planFeedsHandler(
  deps: DepsProvider<'schedule-plan-feeds'>,
): (event: unknown) => Promise<{ queued: number; failingForADay: number }> {
  return async () => {
    const report = await planFeedPolls(await deps());
    logger.info('feed polls queued', { ...report });
    observability.count(DIGEST_METRICS.feedSourcesFailingForADay, report.failingForADay);
    return report;
  };
}

export const handler = observeSchedule(planFeedsHandler(lambdaDeps('schedule-plan-feeds')));
