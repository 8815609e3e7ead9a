/**
 * The click queue locally: each click is counted in the background, after the redirect has
 * answered, by the same core code the SQS consumer runs in AWS. A failed count is logged, as a
 * dead-lettered message would be.
 */
import type { ClickMessage, ClickQueue } from '../core/engagement/index.ts';

export class InProcessClickQueue implements ClickQueue {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly count: (click: ClickMessage) => Promise<unknown>) {}

  async enqueue(click: ClickMessage): Promise<void> {
    const counting = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.count(click))
      .then(
        () => undefined,
        (error: unknown) => console.error('local click counter:', error),
      )
      .finally(() => this.#pending.delete(counting));
    this.#pending.add(counting);
  }

  /** Resolves once every click queued so far is counted (tests, and a stopping stack). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
