/** The hourly EventBridge Scheduler target: plan the editions due now and enqueue their readers. */
import { z } from 'zod';
import { lambdaDeps, type AppDeps, type DepsProvider } from '../adapters/runtime/app-deps.ts';
import { logger, observeSchedule } from '../adapters/runtime/observability.ts';
import { planDigest, type PlanReport, type Queue } from '../core/planning/index.ts';
import { parseOrThrow } from '../core/shared/index.ts';

/** The schedule's input; `now` is for an operator's manual invoke. Unknown fields from the scheduler are ignored. */
export const planEventSchema = z.looseObject({ mode: z.enum(['scheduled', 'now']).default('scheduled') });

export class QueueNotConfiguredError extends Error {
  override name = 'QueueNotConfiguredError';
}

function requireQueue(deps: AppDeps): Queue {
  if (!deps.queue) throw new QueueNotConfiguredError('SEND_QUEUE_URL is not set for the planner.');
  return deps.queue;
}

export function planDigestHandler(deps: DepsProvider): (event: unknown) => Promise<PlanReport> {
  return async (event) => {
    const { mode } = parseOrThrow(planEventSchema, event ?? {}, 'schedule event');
    const app = await deps();
    const report = await planDigest(mode, { ...app, queue: requireQueue(app) });
    logger.info('digest planned', { ...report });
    return report;
  };
}

export const handler = observeSchedule(planDigestHandler(lambdaDeps()));
