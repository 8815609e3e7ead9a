/**
 * The local stand-in for the SQS send queue: delivers each job in this process, with the
 * retries SQS would give (a failed delivery row may be claimed again), and reports outcomes.
 */
import pMap from 'p-map';
import type { DeliverOutcome, DeliveryJob } from '../core/delivery/index.ts';
import type { Queue } from '../core/planning/index.ts';

export interface InProcessQueueOptions {
  deliver(job: DeliveryJob): Promise<DeliverOutcome>;
  /** Jobs in flight at once, like a small reserved concurrency. */
  concurrency?: number;
  /** Attempts per job, like the queue's maxReceiveCount before the DLQ. */
  maxAttempts?: number;
  retryDelayMs?: number;
  onOutcome?(job: DeliveryJob, outcome: DeliverOutcome | 'failed', error?: unknown): void;
}

export class InProcessQueue implements Queue {
  readonly #options: Required<Omit<InProcessQueueOptions, 'onOutcome'>> & Pick<InProcessQueueOptions, 'onOutcome'>;

  constructor(options: InProcessQueueOptions) {
    this.#options = { concurrency: 4, maxAttempts: 3, retryDelayMs: 500, ...options };
  }

  async enqueue(jobs: readonly DeliveryJob[]): Promise<void> {
    await pMap(jobs, (job) => this.#deliverWithRetries(job), { concurrency: this.#options.concurrency });
  }

  async #deliverWithRetries(job: DeliveryJob): Promise<void> {
    const { deliver, maxAttempts, retryDelayMs, onOutcome } = this.#options;
    for (let attempt = 1; ; attempt += 1) {
      try {
        onOutcome?.(job, await deliver(job));
        return;
      } catch (error) {
        if (attempt >= maxAttempts) {
          onOutcome?.(job, 'failed', error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
      }
    }
  }
}
