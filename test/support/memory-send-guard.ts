/** The send guard's counters in memory: the twin of DynamoSendGuardStore, each write a check-and-set with no await in between. */
import type { GuardCounts, GuardState, SendGuardStore, SendId } from '../../functions/core/delivery/index.ts';

export class MemorySendGuardStore implements SendGuardStore {
  readonly #items = new Map<SendId, GuardState>();

  async count(send: SendId, mailAt: string, tally: GuardCounts): Promise<GuardState | undefined> {
    const state = this.#items.get(send) ?? { epoch: 0, counts: { known: 0, bounced: 0, complained: 0 } };
    const sentAt = new Date(mailAt).toISOString();
    if (state.since !== undefined && sentAt < state.since) return undefined;
    state.counts = {
      known: state.counts.known + tally.known,
      bounced: state.counts.bounced + tally.bounced,
      complained: state.counts.complained + tally.complained,
    };
    this.#items.set(send, state);
    return structuredClone(state);
  }

  async trip(send: SendId, epoch: number, reason: string, at: string): Promise<boolean> {
    const state = this.#items.get(send);
    if (state === undefined || state.epoch !== epoch || state.tripped !== undefined) return false;
    state.tripped = { reason, at };
    return true;
  }

  async restart(send: SendId, at: string): Promise<void> {
    const epoch = (this.#items.get(send)?.epoch ?? -1) + 1;
    this.#items.set(send, {
      epoch,
      since: `${new Date(at).toISOString().slice(0, 19)}.000Z`,
      counts: { known: 0, bounced: 0, complained: 0 },
    });
  }

  async get(send: SendId): Promise<GuardState | undefined> {
    const state = this.#items.get(send);
    return state && structuredClone(state);
  }
}
