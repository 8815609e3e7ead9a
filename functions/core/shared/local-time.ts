/**
 * Time-zone arithmetic for "the reader's own hour" and story times as a reader in a given zone
 * reads them ("Today, 09:15", "Yesterday, 18:30", "Monday, 07:02", "23 Nov, 09:15"). Built on
 * Intl (ICU ships with Node), so DST and half-hour zones come from the tz database, not from
 * offsets we compute ourselves. Times are relative to the day the email is sent rather than
 * "3 hours ago", which is stale by the time the email is opened.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Thursday', 'Friday', 'Saturday', 'Sunday', 'Monday', 'Tuesday', 'Wednesday'];
const DAY_MS = 86_400_000;
const WEEKDAY_NAMES_UP_TO_DAYS = 6;

interface LocalParts {
  /** Days since 1970-01-01 of the local calendar date. */
  day: number;
  year: number;
  month: number;
  date: number;
  time: string;
}

/**
 * One formatter per zone, shared by every function here: building an Intl.DateTimeFormat costs
 * far more than using one. Keyed by valid zone names only (an invalid one throws before it is
 * stored), so the cache is bounded by the tz database.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let cached = formatters.get(zone);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(zone, cached);
  }
  return cached;
}

/** The zone if the runtime knows it, else UTC: a stored zone the runtime cannot resolve must not stop a send. */
export function knownZone(zone: string): string {
  try {
    formatter(zone);
    return zone;
  } catch {
    return 'UTC';
  }
}

function localParts(ms: number, zone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(ms)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const date = Number(parts.day);
  return {
    day: Math.floor(Date.UTC(year, month - 1, date) / DAY_MS),
    year,
    month,
    date,
    time: `${parts.hour}:${parts.minute}`,
  };
}

/** Labels for `times` (epoch ms) as read in `zone` on the day of `nowMs`. */
export function localTimeLabels(times: readonly number[], nowMs: number, zone: string): string[] {
  const resolved = knownZone(zone);
  const today = localParts(nowMs, resolved);
  return times.map((ms) => {
    const local = localParts(ms, resolved);
    const daysAgo = today.day - local.day;
    // A day still to come is never "Today": it shows its date, so an impossible time is visible as one.
    if (daysAgo < 0) return `${local.date} ${MONTHS[local.month - 1]} ${local.year}, ${local.time}`;
    if (daysAgo === 0) return `Today, ${local.time}`;
    if (daysAgo === 1) return `Yesterday, ${local.time}`;
    if (daysAgo <= WEEKDAY_NAMES_UP_TO_DAYS) return `${WEEKDAYS[((local.day % 7) + 7) % 7]}, ${local.time}`;
    const year = local.year === today.year ? '' : ` ${local.year}`;
    return `${local.date} ${MONTHS[local.month - 1]}${year}, ${local.time}`;
  });
}

function resolveTimeZone(timeZone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * The zones tzdata 2024b turned into links (its `backward` file) that ICU still keeps as IDs of
 * their own, outside Intl.supportedValuesOf. Node 20.20 (ICU 78.2, tz 2025c) resolves EST5EDT to
 * America/New_York; Node 22.23 (ICU 78.3, tz 2026e) answers EST5EDT itself, a zone the hourly
 * run never visits.
 * Intl does not say where a link points, so the targets are tzdata's. The rest already resolve
 * through ICU on both; they are here so that no newer ICU can strand them either.
 */
const LINKED_LEGACY_ZONES: Readonly<Record<string, string>> = {
  EST5EDT: 'America/New_York',
  CST6CDT: 'America/Chicago',
  MST7MDT: 'America/Denver',
  PST8PDT: 'America/Los_Angeles',
  EST: 'America/Panama',
  MST: 'America/Phoenix',
  HST: 'Pacific/Honolulu',
  CET: 'Europe/Brussels',
  MET: 'Europe/Brussels',
  EET: 'Europe/Athens',
  WET: 'Europe/Lisbon',
};

/** The zone the hourly run visits for a name the runtime resolved, following a legacy link if it must. */
function scheduledZone(resolved: string): string | undefined {
  if (scheduledZones().has(resolved)) return resolved;
  const target = Object.hasOwn(LINKED_LEGACY_ZONES, resolved) ? resolveTimeZone(LINKED_LEGACY_ZONES[resolved]!) : undefined;
  return target !== undefined && scheduledZones().has(target) ? target : undefined;
}

/**
 * The canonical name of a zone: aliases and links (US/Eastern, EST5EDT, Asia/Kolkata) resolve to
 * the zone the hourly run visits under the name the runtime gives it, the same on Node 20 and 22.
 * Undefined when the zone is unknown or one the hourly run never visits (Etc/GMT+5 and other
 * fixed offsets): a reader must not be able to subscribe to a slot that is never due.
 */
export function canonicalTimeZone(timeZone: string): string | undefined {
  const known = canonicalNames.get(timeZone);
  if (known !== undefined) return known;
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(timeZone)) return undefined;
  const resolved = resolveTimeZone(timeZone);
  const canonical = resolved === undefined ? undefined : scheduledZone(resolved);
  if (canonical === undefined) return undefined;
  canonicalNames.set(timeZone, canonical);
  return canonical;
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
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
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
  zones ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')].map((z) => resolveTimeZone(z) ?? z))].sort();
  return zones;
}

function scheduledZones(): Set<string> {
  zoneSet ??= new Set(allTimeZones());
  return zoneSet;
}
