import type { ChunkJob } from '../../functions/core/delivery/types.ts';
import { recipientsOf } from '../../functions/core/delivery/chunk-job.ts';
import type { Queue } from '../../functions/core/planning/ports.ts';

/** Counts recipients instead of sending them, so a plan benchmark measures the planner alone. */
export class CountingQueue implements Queue {
  jobs = 0;
  calls = 0;

  async enqueue(jobs: readonly ChunkJob[]): Promise<void> {
    for (const job of jobs) this.jobs += recipientsOf(job);
    this.calls += 1;
  }

  reset(): void {
    this.jobs = 0;
    this.calls = 0;
  }
}
