/**
 * Which local days a reader gets a digest on: daily or weekly readers, and pauses. The
 * planner asks once per reader per run, so a change made in the preference centre applies from
 * the next run without touching the slot index.
 */
import type { Subscriber } from './types.ts';

/** ISO weekday of a local calendar date (yyyy-mm-dd): 1 Monday ... 7 Sunday. */
export function isoWeekday(localDate: string): number {
  const day = new Date(`${localDate}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The calendar date `days` after `localDate`; calendar arithmetic, so no zone or DST enters. */
export function addDays(localDate: string, days: number): string {
  const date = new Date(`${localDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export const DEFAULT_WEEKLY_DAY = 1;

/** True when the reader is due a digest on their local date `localDate` (ignoring the hour). */
export function receivesDigestOn(
  reader: Pick<Subscriber, 'frequency' | 'weeklyDay' | 'pausedUntil'>,
  localDate: string,
): boolean {
  // Dates in yyyy-mm-dd order as strings, so no parsing is needed for the comparison.
  if (reader.pausedUntil !== undefined && localDate < reader.pausedUntil) return false;
  if (reader.frequency === 'weekly') return isoWeekday(localDate) === (reader.weeklyDay ?? DEFAULT_WEEKLY_DAY);
  return true;
}
