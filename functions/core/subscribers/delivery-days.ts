/**
 * Which local days a reader gets a digest on: daily or weekly readers, and pauses. The
 * planner asks once per reader per run, so a change made in the preference centre applies from
 * the next run without touching the slot index.
 */
import { localTime } from '../shared/index.ts';
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
export function receivesDigestOn(reader: Pick<Subscriber, 'frequency' | 'weeklyDay' | 'pausedUntil'>, localDate: string): boolean {
  // Dates in yyyy-mm-dd order as strings, so no parsing is needed for the comparison.
  if (reader.pausedUntil !== undefined && localDate < reader.pausedUntil) return false;
  if (reader.frequency === 'weekly') return isoWeekday(localDate) === (reader.weeklyDay ?? DEFAULT_WEEKLY_DAY);
  return true;
}

/**
 * How far the hourly cut lags the hour. An article is stamped when its batch arrives, but is
 * written a little later and reaches the day index (an eventually consistent GSI) later still;
 * cutting at the hour itself could leave it out while the watermark moves past it for good.
 */
export const SETTLE_MS = 2 * 60 * 1000;

/** The reader's local date of the run that cut at `cutoff` (a midnight run cuts just before midnight). */
export function localRunDate(cutoff: string, timezone: string): string {
  return localTime(new Date(Date.parse(cutoff) + SETTLE_MS), timezone).date;
}

/**
 * localRunDate remembered per (zone, cutoff): readers share a few zones and watermarks, and
 * Intl formatting is the costliest step per reader of the planner and the sender.
 */
export function memoisedLocalRunDate(): typeof localRunDate {
  const dates = new Map<string, string>();
  return (cutoff, timezone) => {
    const key = `${timezone} ${cutoff}`;
    let date = dates.get(key);
    if (date === undefined) {
      date = localRunDate(cutoff, timezone);
      dates.set(key, date);
    }
    return date;
  };
}

/** One digest per local day: a reader who moved their hour, or got a send-now, waits for tomorrow. */
export function hadTodaysDigest(reader: Subscriber, cutoff: string, runDate = localRunDate): boolean {
  if (!reader.lastDigestCutoff) return false;
  return runDate(reader.lastDigestCutoff, reader.timezone) === runDate(cutoff, reader.timezone);
}
