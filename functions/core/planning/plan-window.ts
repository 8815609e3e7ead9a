/** Which articles a run's editions hold: the run's cutoff, and each reader's window start. */
import { SETTLE_MS, type Subscriber } from '../subscribers/index.ts';

const HOUR_MS = 3600 * 1000;
/** A new reader's first digest covers the last day. */
const FIRST_WINDOW_MS = 24 * HOUR_MS;
/** Readers away longer than articles live (TTL 30 days) still get at most a week, not a flood. */
const MAX_WINDOW_MS = 7 * 24 * HOUR_MS;

export type PlanMode =
  /** The hourly run: readers whose local send hour is now. */
  | 'scheduled'
  /** An operator's send-now: every confirmed reader who has not had today's digest. */
  | 'now';

export interface PlanWindow {
  /** The instant whose local hour decides who is due. */
  slot: Date;
  /** Articles ingested up to here belong to this run's editions. */
  cutoff: string;
}

/**
 * Scheduled runs are pinned to the top of the hour, so a duplicate or late firing lands on the
 * same slot and the same edition; a send-now cuts at this second so what was just ingested is in it.
 */
export function planWindow(now: Date, mode: PlanMode): PlanWindow {
  if (mode === 'scheduled') {
    const slot = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
    return { slot, cutoff: new Date(slot.getTime() - SETTLE_MS).toISOString() };
  }
  const slot = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return { slot, cutoff: slot.toISOString() };
}

export function windowStart(reader: Subscriber, cutoff: string): string {
  const cutoffMs = Date.parse(cutoff);
  const since = reader.lastDigestCutoff ? Date.parse(reader.lastDigestCutoff) : cutoffMs - FIRST_WINDOW_MS;
  return new Date(Math.max(since, cutoffMs - MAX_WINDOW_MS)).toISOString();
}
