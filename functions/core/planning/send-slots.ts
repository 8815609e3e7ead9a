/**
 * Send slots: which (zone, local hour) pairs are due at an instant. The zone arithmetic is in
 * shared/local-time.ts.
 */
import { allTimeZones, localTime } from '../shared/index.ts';
import type { TimeSlot } from '../subscribers/index.ts';

const HOUR_MS = 3600 * 1000;

/**
 * The (zone, hour) pairs whose local hour is the one `instant` falls in, plus any local hour the
 * clock skipped since an hour ago: on a spring-forward day 02:00 never happens in New York, and
 * readers who chose it get their digest at 03:00 instead of not at all.
 */
export function dueSlots(instant: Date, timeZones: readonly string[] = allTimeZones()): TimeSlot[] {
  const anHourAgo = new Date(instant.getTime() - HOUR_MS);
  return timeZones.flatMap((timezone) => {
    const hour = localTime(instant, timezone).hour;
    const slots = [{ timezone, hour }];
    for (let skipped = (localTime(anHourAgo, timezone).hour + 1) % 24; skipped !== hour; skipped = (skipped + 1) % 24) {
      // A fall-back repeats an hour instead (previous === hour): nothing was skipped, and the loop must not wrap round.
      if (skipped === (hour + 1) % 24) break;
      slots.push({ timezone, hour: skipped });
    }
    return slots;
  });
}
