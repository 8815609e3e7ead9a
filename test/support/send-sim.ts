/**
 * A send queue with SQS's delivery rules, for the fault-injection tests: a job stays on the queue
 * until a delivery returns; a delivery that throws (or dies) leaves it to come back after the
 * visibility timeout; after maxReceiveCount receives it goes to the dead-letter queue. Rounds
 * advance the test clock by the claim lease, as the visibility timeout does in AWS.
 */
import type { ChunkJob } from '../../functions/core/delivery/types.ts';
import type { OutgoingEmail } from '../../functions/core/shared/mail.ts';
import type { Queue } from '../../functions/core/planning/ports.ts';
import type { FakeClock } from './fakes.ts';

interface Message {
  job: ChunkJob;
  receives: number;
}

export class SimulatedSqs implements Queue {
  #waiting: Message[] = [];
  readonly deadLettered: ChunkJob[] = [];
  enqueued = 0;

  constructor(private readonly maxReceiveCount = 5) {}

  /** Recipients enqueued, over every chunk. */
  async enqueue(jobs: readonly ChunkJob[]): Promise<void> {
    for (const job of jobs) {
      this.enqueued += job.recipients ?? job.emails?.length ?? 0;
      this.#waiting.push({ job: structuredClone(job), receives: 0 });
    }
  }

  get pending(): number {
    return this.#waiting.length;
  }

  /**
   * Delivers every waiting message once, `concurrency` at a time (several senders); what did not
   * return comes back next round. Returns the outcomes of this round.
   */
  async round(deliver: (job: ChunkJob) => Promise<unknown>, concurrency: number): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < batch.length) {
        const message = batch[next++]!;
        message.receives += 1;
        try {
          await deliver(message.job);
        } catch {
          if (message.receives >= this.maxReceiveCount) this.deadLettered.push(message.job);
          else this.#waiting.push(message);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }

  /** Rounds until the queue is empty, the clock moving on by `visibilityMs` between them. */
  async drain(
    deliver: (job: ChunkJob) => Promise<unknown>,
    options: { concurrency: number; clock: FakeClock; visibilityMs: number; maxRounds?: number },
  ): Promise<void> {
    for (let round = 0; this.pending > 0; round++) {
      if (round >= (options.maxRounds ?? 50)) throw new Error(`queue not drained after ${round} rounds`);
      await this.round(deliver, options.concurrency);
      options.clock.advance(options.visibilityMs);
    }
  }
}

/** Per reader, how many emails arrived: duplicates and lost, as a mailbox sees them. */
export function tally(sent: readonly OutgoingEmail[], expected: readonly string[]): { duplicates: number; lost: number } {
  const counts = new Map<string, number>();
  for (const email of sent) counts.set(email.to, (counts.get(email.to) ?? 0) + 1);
  let duplicates = 0;
  let lost = 0;
  for (const address of expected) {
    const count = counts.get(address) ?? 0;
    if (count === 0) lost += 1;
    else duplicates += count - 1;
  }
  return { duplicates, lost };
}
