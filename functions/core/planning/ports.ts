/** What the planner needs: somewhere to put chunk jobs. */

import type { ChunkJob } from '../delivery/index.ts';

export interface Queue {
  enqueue(jobs: readonly ChunkJob[]): Promise<void>;
}
