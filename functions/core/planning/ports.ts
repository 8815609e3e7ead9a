/** What the planner needs: somewhere to put delivery jobs. */

import type { DeliveryJob } from '../delivery/index.ts';

export interface Queue {
  enqueue(jobs: readonly DeliveryJob[]): Promise<void>;
}
