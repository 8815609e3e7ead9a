/**
 * plan-digest: find the readers due now, build each needed edition once, and hand them to the
 * senders in chunks of up to CHUNK_SIZE readers of one edition.
 *
 * One digest per reader per local day is a property of the ledger, not of timing: a run first
 * takes the lock of each slot-day (zone, send hour, the readers' local date) it meets, with a
 * conditional write. Readers of a slot-day another run holds while it plans are that run's (two
 * send-nows, ten planners at once); the run only re-enqueues that slot-day's chunks still open,
 * so a chunk its owner lost (a dead local process) is sent, never skipped. A slot-day whose run
 * completed it is reopened by a later run for the readers in none of its live chunks: readers
 * who joined or moved in after it (an hourly run after a send-now, a second send-now).
 * A retried run (same owner) resumes: readers already in its chunks are not chunked again.
 *
 * A run is one send (its id is the lock owner, and every chunk it writes carries it); the steps
 * are PlanRun's (plan-run.ts), and where editions come from is an EditionSource (edition-source.ts).
 */
import { PlanRun } from './plan-run.ts';
import type { PlanDeps, PlanReport } from './plan-run.ts';
import type { PlanMode } from './plan-window.ts';

export { PLAN_LOCK_LEASE_MS, PLAN_LOCK_RENEW_MS, type PlanDeps, type PlanReport } from './plan-run.ts';
export { type PlanMode, planWindow, type PlanWindow, windowStart } from './plan-window.ts';

export async function planDigest(mode: PlanMode, deps: PlanDeps): Promise<PlanReport> {
  return new PlanRun(mode, deps).execute();
}
