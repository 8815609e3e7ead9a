/**
 * What the hourly schedule runs: the plan of the readers due now, then the re-pick of chunks
 * nobody is sending any more (core/delivery/stranded.ts), through one queue that passes each
 * chunk on once, so a chunk the plan adopted is not enqueued a second time by the re-pick.
 */
import { oncePerChunk, repickStrandedChunks, type StrandedReport } from '../delivery/index.ts';
import { planDigest } from './plan.ts';
import type { PlanDeps, PlanReport } from './plan-types.ts';
import type { PlanMode } from './plan-window.ts';

export interface HourlyReport extends PlanReport {
  stranded: StrandedReport;
}

export async function planAndRepick(mode: PlanMode, deps: PlanDeps): Promise<HourlyReport> {
  const queue = oncePerChunk(deps.queue);
  const report = await planDigest(mode, { ...deps, queue });
  const stranded = await repickStrandedChunks({ deliveries: deps.deliveries, queue, clock: deps.clock });
  return { ...report, stranded };
}
