/**
 * Chunks nobody is sending any more: a message that reached the dead-letter queue after its
 * receives, a claim whose sender died, a chunk a dead process released. The ledger still holds
 * them open; the next hourly run enqueues them again (repickStrandedChunks), and the claim and
 * the watermark checks decide, as for any delivery, who is still to be sent.
 *
 * Only chunks of the readers' current local day are sent again. A chunk of an earlier day is
 * never sent: its readers have no watermark for that day, so their next digest starts where
 * their last one ended and carries what they missed.
 */
import { knownZone, localTime } from '../shared/index.ts';
import type { Clock } from '../shared/index.ts';
import { chunkJobOf } from './chunk-job.ts';
import type { DeliveryLedger } from './ports.ts';
import { CLAIM_LEASE_MS } from './send-fleet.ts';
import type { ChunkJob, DeliveryChunk, SlotDay } from './types.ts';

/**
 * A chunk still open or claimed this long after it was planned is reported (the hourly run's
 * `ChunksOpenTooLong` metric, alarmed on at 1): an hour covers a slot's whole send at the
 * account's rate and the SQS retries before the DLQ, so only a stuck chunk stays open longer.
 */
export const OPEN_TOO_LONG_MS = 60 * 60_000;

/**
 * What a chunk is to the operator and to the re-pick: its ledger state, except that an open or
 * claimed chunk nobody has touched for a lease is `stranded` (sent again by the next run), and
 * one of an earlier local day is `earlier-day` (never sent: its readers roll into their next digest).
 */
export type ChunkCondition = 'open' | 'claimed' | 'sent' | 'paused' | 'cancelled' | 'stranded' | 'earlier-day';

/** The readers' local date now: the date a chunk planned now would carry. */
export function currentLocalDate(slotDay: Pick<SlotDay, 'timezone'>, now: Date): string {
  return localTime(now, knownZone(slotDay.timezone)).date;
}

/** When the chunk was last handed to a sender, or planned: a lease after it, no queue message is still on its way. */
function lastTouchedMs(chunk: DeliveryChunk): number {
  return Date.parse(chunk.claimedAt ?? chunk.createdAt);
}

export function chunkCondition(chunk: DeliveryChunk, now: Date, leaseMs: number = CLAIM_LEASE_MS): ChunkCondition {
  if (chunk.status !== 'open' && chunk.status !== 'claimed') return chunk.status;
  if (chunk.slotDay.date < currentLocalDate(chunk.slotDay, now)) return 'earlier-day';
  // A claim that is to become paused or cancelled is its send's, whatever its age.
  if (chunk.stopAs !== undefined) return chunk.status;
  return now.getTime() - lastTouchedMs(chunk) >= leaseMs ? 'stranded' : chunk.status;
}

/** Readers of the chunk not yet sent or refused: those a re-pick may still serve. */
export function readersLeft(chunk: DeliveryChunk): number {
  if (chunk.counts) return chunk.counts.recipients - chunk.counts.sent - chunk.counts.rejected;
  return chunk.emails.filter((email) => chunk.sent[email] === undefined && chunk.rejected[email] === undefined).length;
}

export interface ChunkQueue {
  enqueue(jobs: readonly ChunkJob[]): Promise<void>;
}

/**
 * A queue that passes each chunk on once: one run enqueues a chunk at most once, whether its plan
 * adopted it or the re-pick found it.
 */
export function oncePerChunk(queue: ChunkQueue): ChunkQueue {
  const seen = new Set<string>();
  return {
    async enqueue(jobs) {
      const fresh = jobs.filter((job) => {
        const key = `${job.slotDay.date}|${job.slotDay.hour}|${job.slotDay.timezone}|${job.id}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (fresh.length > 0) await queue.enqueue(fresh);
    },
  };
}

export interface StrandedReport {
  /** Stranded chunks enqueued again, and their readers still to serve. */
  repicked: number;
  repickedReaders: number;
  /** Open chunks of an earlier local day, left unsent: their readers roll into their next digest. */
  earlierDay: number;
  /** Chunks of today open or claimed for OPEN_TOO_LONG_MS or more, the alarm's metric. */
  openTooLong: number;
}

export interface RepickDeps {
  deliveries: Pick<DeliveryLedger, 'openChunks'>;
  queue: ChunkQueue;
  clock: Clock;
  /** CLAIM_LEASE_MS unless a test says otherwise. */
  leaseMs?: number;
}

/** Enqueues every stranded chunk again, as adopted (a claim found fresh by then is another sender's, not a failure). */
export async function repickStrandedChunks(deps: RepickDeps): Promise<StrandedReport> {
  const now = deps.clock.now();
  const report: StrandedReport = { repicked: 0, repickedReaders: 0, earlierDay: 0, openTooLong: 0 };
  const stranded: DeliveryChunk[] = [];
  for (const chunk of await deps.deliveries.openChunks()) {
    const condition = chunkCondition(chunk, now, deps.leaseMs);
    if (condition === 'earlier-day') report.earlierDay += 1;
    if (condition === 'stranded') stranded.push(chunk);
    const live = condition === 'stranded' || condition === 'open' || condition === 'claimed';
    if (live && now.getTime() - Date.parse(chunk.createdAt) >= OPEN_TOO_LONG_MS) report.openTooLong += 1;
  }
  if (stranded.length === 0) return report;
  await deps.queue.enqueue(stranded.map((chunk) => chunkJobOf(chunk, true)));
  report.repicked = stranded.length;
  report.repickedReaders = stranded.reduce((sum, chunk) => sum + readersLeft(chunk), 0);
  return report;
}

/** Chunks and their readers, per condition. */
export type ChunkTally = Record<ChunkCondition, { chunks: number; readers: number }>;

/** Tallies chunks by condition, each counted once (by id within its slot-day). */
export function tallyChunks(chunks: readonly DeliveryChunk[], now: Date, leaseMs: number = CLAIM_LEASE_MS): ChunkTally {
  const tally = Object.fromEntries(
    (['open', 'claimed', 'sent', 'paused', 'cancelled', 'stranded', 'earlier-day'] as const).map((name) => [
      name,
      { chunks: 0, readers: 0 },
    ]),
  ) as ChunkTally;
  const seen = new Set<string>();
  for (const chunk of chunks) {
    const key = `${chunk.slotDay.date}|${chunk.slotDay.hour}|${chunk.slotDay.timezone}|${chunk.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = tally[chunkCondition(chunk, now, leaseMs)];
    entry.chunks += 1;
    entry.readers += chunk.counts?.recipients ?? chunk.emails.length;
  }
  return tally;
}

/** Today's slot-days of these zones: each zone's current local date, every hour. */
export function todaysSlotDays(zones: Iterable<string>, now: Date): SlotDay[] {
  const slotDays: SlotDay[] = [];
  for (const timezone of new Set(zones)) {
    const date = currentLocalDate({ timezone }, now);
    for (let hour = 0; hour < 24; hour += 1) slotDays.push({ timezone, hour, date });
  }
  return slotDays;
}
