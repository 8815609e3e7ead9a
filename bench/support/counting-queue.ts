import type { DeliveryJob } from '../../functions/core/delivery/types.ts';
import type { Queue } from '../../functions/core/planning/ports.ts';

/** Counts jobs instead of sending them, so a plan benchmark measures the planner alone. */
export class CountingQueue implements Queue {
  jobs = 0;
  calls = 0;

  async enqueue(jobs: readonly DeliveryJob[]): Promise<void> {
    this.jobs += jobs.length;
    this.calls += 1;
  }

  reset(): void {
    this.jobs = 0;
    this.calls = 0;
  }
}
