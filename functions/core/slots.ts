/**
 * Time-zone arithmetic for "the reader's own hour". Built on Intl (ICU ships with Node), so
 * DST and half-hour zones come from the tz database, not from offsets we compute ourselves.
 */
import type { TimeSlot } from '../ports.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function resolveTimeZone(timeZone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The canonical name of a zone (aliases such as US/Eastern resolve), or undefined when it is
 * unknown or is a zone the hourly run never visits (Etc/GMT+5 and other fixed offsets): a reader
 * must not be able to subscribe to a slot that is never due.
 */
export function canonicalTimeZone(timeZone: string): string | undefined {
  const known = canonicalNames.get(timeZone);
  if (known !== undefined) return known;
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(timeZone)) return undefined;
  const resolved = resolveTimeZone(timeZone);
  if (resolved === undefined || !scheduledZones().has(resolved)) return undefined;
  canonicalNames.set(timeZone, resolved);
  return resolved;
}

/**
 * Names already resolved: building an Intl formatter costs about half a millisecond, which a
 * 100k-row import pays per row. Only valid names are kept, so junk input cannot grow it.
 */
const canonicalNames = new Map<string, string>();

export interface LocalTime {
  date: string;
  hour: number;
  minute: number;
  weekday: string;
}

export function localTime(instant: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: parts.weekday ?? '',
  };
}

let zones: string[] | undefined;
let zoneSet: Set<string> | undefined;

/** Every canonical zone the runtime knows, plus UTC; computed once. */
export function allTimeZones(): string[] {
  zones ??= [
    ...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')].map((z) => resolveTimeZone(z) ?? z)),
  ].sort();
  return zones;
}

function scheduledZones(): Set<string> {
  zoneSet ??= new Set(allTimeZones());
  return zoneSet;
}

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
