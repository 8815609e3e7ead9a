/** The hourly EventBridge Scheduler target: plan the editions due now and enqueue their readers. */
import { z } from 'zod';
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { logger, observeSchedule } from '../adapters/runtime/observability.ts';
import { planDigest, type PlanReport } from '../core/planning/index.ts';
import { parseOrThrow } from '../core/shared/index.ts';

/** The schedule's input; `now` is for an operator's manual invoke. Unknown fields from the scheduler are ignored. */
export const planEventSchema = z.looseObject({ mode: z.enum(['scheduled', 'now']).default('scheduled') });

export function planDigestHandler(deps: DepsProvider<'schedule-plan-digest'>): (event: unknown) => Promise<PlanReport> {
  return async (event) => {
    const { mode } = parseOrThrow(planEventSchema, event ?? {}, 'schedule event');
    const report = await planDigest(mode, await deps());
    logger.info('digest planned', { ...report });
    return report;
  };
}

export const handler = observeSchedule(planDigestHandler(lambdaDeps('schedule-plan-digest')));
