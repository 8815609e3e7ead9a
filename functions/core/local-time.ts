/**
 * Story times as a reader in a given zone reads them: "Today, 09:15", "Yesterday, 18:30",
 * "Monday, 07:02", "23 Nov, 09:15". Relative to the day the email is sent rather than "3 hours
 * ago", which is stale by the time the email is opened.
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

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let cached = formatters.get(zone);
  if (cached === undefined) {
    cached = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
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
    if (daysAgo <= 0) return `Today, ${local.time}`;
    if (daysAgo === 1) return `Yesterday, ${local.time}`;
    if (daysAgo <= WEEKDAY_NAMES_UP_TO_DAYS) return `${WEEKDAYS[((local.day % 7) + 7) % 7]}, ${local.time}`;
    const year = local.year === today.year ? '' : ` ${local.year}`;
    return `${local.date} ${MONTHS[local.month - 1]}${year}, ${local.time}`;
  });
}
