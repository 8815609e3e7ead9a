/**
 * The hourly EventBridge Scheduler target: plan the editions due now and enqueue their readers,
 * then enqueue again the chunks of today nobody is sending (stranded: dead-lettered, or left by a
 * dead sender), and count the chunks open too long for the alarm.
 */
import { z } from 'zod';
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { logger, observability, observeSchedule } from '../adapters/runtime/observability.ts';
import { DIGEST_METRICS } from '../adapters/runtime/metric-names.ts';
import { type HourlyReport, planAndRepick } from '../core/planning/index.ts';
import { parseOrThrow } from '../core/shared/index.ts';

/** The schedule's input; `now` is for an operator's manual invoke. Unknown fields from the scheduler are ignored. */
export const planEventSchema = z.looseObject({ mode: z.enum(['scheduled', 'now']).default('scheduled') });

export function planDigestHandler(deps: DepsProvider<'schedule-plan-digest'>): (event: unknown) => Promise<HourlyReport> {
  return async (event) => {
    const { mode } = parseOrThrow(planEventSchema, event ?? {}, 'schedule event');
    const report = await planAndRepick(mode, await deps());
    logger.info('digest planned', { ...report });
    observability.count(DIGEST_METRICS.chunksRepicked, report.stranded.repicked);
    observability.count(DIGEST_METRICS.chunksOpenTooLong, report.stranded.openTooLong);
    return report;
  };
}

export const handler = observeSchedule(planDigestHandler(lambdaDeps('schedule-plan-digest')));
