/**
 * What an operator does with a paused send: resume it (the readers not yet sent, with the guard
 * counting afresh) or cancel it. A send is one day's digest for its readers: a chunk whose
 * readers' local day (its slot-day's date in its zone) is over is not sent any more; those
 * readers roll into their next digest, which starts where their last one ended.
 */
import { localTime, type Clock } from '../shared/index.ts';
import { chunkJobOf } from './chunk-job.ts';
import { SendNotFoundError } from './errors.ts';
import type { DeliveryLedger } from './ports.ts';
import type { GuardState, SendGuardStore } from './send-guard.ts';
import type { ChunkJob, DeliveryChunk, SendId, SendRecord } from './types.ts';

/** A resume or cancel the send's state does not allow (a cancelled send, or one whose day is over). */
export class SendNotResumableError extends Error {
  override name = 'SendNotResumableError';
}

export interface SendControlDeps {
  deliveries: DeliveryLedger;
  sendGuard: SendGuardStore;
  clock: Clock;
  queue: { enqueue(jobs: readonly ChunkJob[]): Promise<void> };
}

/** Whether the chunk's readers are still on the local date their digest was for. */
export function stillTheirDay(chunk: Pick<DeliveryChunk, 'slotDay'>, now: Date): boolean {
  return localTime(now, chunk.slotDay.timezone).date <= chunk.slotDay.date;
}

async function existingSend(send: SendId, deliveries: DeliveryLedger): Promise<SendRecord> {
  const record = await deliveries.sendRecord(send);
  if (record === undefined) throw new SendNotFoundError(`No send ${send}. \`npx digest send-now\` prints the id of the send it starts.`);
  return record;
}

export interface ResumeReport {
  /** `running`: it was not paused, so nothing was done. */
  was: SendRecord['state'];
  chunks: number;
  recipients: number;
  /** Readers of paused chunks whose local day is over: not sent now, they get their next digest. */
  rolledOver: number;
}

/**
 * Restarts the guard's count, then opens the send's paused chunks and enqueues those still on
 * their readers' day. Refuses a cancelled send, and a paused one whose readers' day is over for all.
 */
export async function resumePausedSend(send: SendId, deps: SendControlDeps): Promise<ResumeReport> {
  const record = await existingSend(send, deps.deliveries);
  if (record.state === 'cancelled') throw new SendNotResumableError(`Send ${send} was cancelled; a cancelled send cannot be resumed.`);
  if (record.state === 'running') return { was: 'running', chunks: 0, recipients: 0, rolledOver: 0 };
  const now = deps.clock.now();
  const paused = (await deps.deliveries.openChunks()).filter((chunk) => chunk.send === send && chunk.status === 'paused');
  const due = paused.filter((chunk) => stillTheirDay(chunk, now));
  if (paused.length > 0 && due.length === 0) {
    throw new SendNotResumableError(
      `Send ${send} can no longer be resumed: its readers' local day (${paused[0]!.slotDay.date}) is over. ` +
        'They roll into their next digest, which carries the stories they missed.',
    );
  }
  await deps.sendGuard.restart(send, now.toISOString());
  const reopened = await deps.deliveries.resumeSend(send);
  const jobs = reopened.filter((chunk) => stillTheirDay(chunk, now)).map((chunk) => chunkJobOf(chunk));
  const rolledOver = reopened
    .filter((chunk) => !stillTheirDay(chunk, now))
    .reduce((sum, chunk) => sum + chunk.emails.length - Object.keys(chunk.sent).length, 0);
  await deps.queue.enqueue(jobs);
  const notYetSent = (chunk: DeliveryChunk) => chunk.emails.filter((email) => !Object.hasOwn(chunk.sent, email)).length;
  const recipients = reopened.filter((chunk) => stillTheirDay(chunk, now)).reduce((sum, chunk) => sum + notYetSent(chunk), 0);
  return { was: 'paused', chunks: jobs.length, recipients, rolledOver };
}

/** Cancels the send's open and paused chunks; returns how many chunks it cancelled now. */
export async function cancelSend(send: SendId, deps: Pick<SendControlDeps, 'deliveries'>): Promise<number> {
  await existingSend(send, deps.deliveries);
  return deps.deliveries.cancelSend(send);
}

/** The send's state and, when the guard paused it, why. */
export async function sendPauseState(
  send: SendId,
  deps: Pick<SendControlDeps, 'deliveries' | 'sendGuard'>,
): Promise<{ state: SendRecord['state']; guard?: GuardState | undefined }> {
  const record = await existingSend(send, deps.deliveries);
  return { state: record.state, guard: record.state === 'paused' ? await deps.sendGuard.get(send) : undefined };
}
