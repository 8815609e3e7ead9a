/**
 * How a sender learns that a send was paused or cancelled while it works. Claims already refuse
 * paused and cancelled chunks (a conditional write on the chunk's state), but a chunk claimed
 * just before the pause, or written open by a plan still running when the send paused, would go
 * out in full. So a sender reads the send's state once it holds a claim, and again before each
 * SES call of the chunk: one consistent GetItem, shared by the jobs in flight and reused for
 * `maxAgeMs`, far below the seconds a pause takes to matter, and far above the calls a warm
 * sender makes per send in that time.
 */
import type { Clock } from '../shared/index.ts';
import type { DeliveryLedger } from './ports.ts';
import type { DeliveryChunk, SendId } from './types.ts';

export type StoppedState = 'paused' | 'cancelled';

export interface SendStates {
  /** The send's state if it is stopped (paused or cancelled), else undefined. */
  stopped(send: SendId): Promise<StoppedState | undefined>;
}

/** Reads within this long of each other share one read: a warm sender sees a pause within it. */
export const SEND_STATE_MAX_AGE_MS = 250;

export function newSendStates(deliveries: Pick<DeliveryLedger, 'sendRecord'>, clock: Clock, maxAgeMs = SEND_STATE_MAX_AGE_MS): SendStates {
  const read = new Map<SendId, { atMs: number; state: Promise<StoppedState | undefined> }>();
  return {
    stopped(send) {
      const nowMs = clock.now().getTime();
      const cached = read.get(send);
      if (cached !== undefined && nowMs - cached.atMs < maxAgeMs) return cached.state;
      const state = deliveries.sendRecord(send).then((record) => {
        const current = record?.state;
        return current === 'paused' || current === 'cancelled' ? current : undefined;
      });
      // A failed read is not kept: the next call reads again.
      state.catch(() => read.delete(send));
      // A warm sender meets a handful of sends a day: the map stays small, pruned of stale reads.
      for (const [key, entry] of read) if (nowMs - entry.atMs >= maxAgeMs) read.delete(key);
      read.set(send, { atMs: nowMs, state });
      return state;
    },
  };
}

/**
 * One claimed chunk's view of its send's state: `now()` right after the claim (a stopped send's
 * chunk is released into the send's state, nobody sent), `between` for the bulk message (asked
 * before each SES call after the first), and `as()` for the chunk's release once the mailer
 * reported recipients `stopped`.
 */
export function stopIfSendStopped(
  chunk: DeliveryChunk & { claimedAt: string },
  deps: { deliveries: Pick<DeliveryLedger, 'recordResults'>; sendStates?: SendStates | undefined },
): { now(): Promise<boolean>; between: { keepSending?: () => Promise<boolean> }; seen(): void; as(): Promise<StoppedState | undefined> } {
  const states = deps.sendStates;
  let stoppedMidChunk = false;
  return {
    async now() {
      const state = await states?.stopped(chunk.send);
      if (state === undefined) return false;
      await deps.deliveries.recordResults(chunk, chunk.claimedAt, { sent: {}, rejected: {}, finished: false, stopAs: state });
      return true;
    },
    between: states === undefined ? {} : { keepSending: async () => (await states.stopped(chunk.send)) === undefined },
    seen() {
      stoppedMidChunk = true;
    },
    // The mailer stopped because the send was paused or cancelled; a cancel read since outranks the pause.
    as: async () => (stoppedMidChunk ? ((await states?.stopped(chunk.send)) ?? 'paused') : undefined),
  };
}
