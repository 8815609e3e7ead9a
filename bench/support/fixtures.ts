/** The settings, clock and reader records the benchmarks share. */
import type { Settings } from '../../functions/core/shared/settings.ts';
import { editionId } from '../../functions/core/edition/edition.ts';
import { planWindow } from '../../functions/core/planning/plan.ts';
import { canonicalTimeZone, localTime } from '../../functions/core/shared/local-time.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';
import type { Clock } from '../../functions/core/shared/clock.ts';
import { testSettings } from '../../test/support/fakes.ts';

/** Minutes past a scheduled run, as the hourly schedule fires it. */
export const BENCH_NOW = '2026-11-26T07:05:00.000Z';
const DAY_MS = 24 * 3600 * 1000;

/** This hour's scheduled cutoff, as the planner computes it. */
export const TODAY_CUTOFF = planWindow(new Date(BENCH_NOW), 'scheduled').cutoff;
/** The previous day's scheduled cutoff: every generated reader had that digest. */
export const YESTERDAY_CUTOFF = planWindow(new Date(Date.parse(BENCH_NOW) - DAY_MS), 'scheduled').cutoff;
const DAY_BEFORE_CUTOFF = planWindow(new Date(Date.parse(BENCH_NOW) - 2 * DAY_MS), 'scheduled').cutoff;

export const benchClock: Clock = { now: () => new Date(BENCH_NOW) };

/** The production default of MAX_STORIES is 12. */
export function benchSettings(maxStories = 12): Settings {
  return testSettings({ maxStories });
}

/** Readers live all over the world, as in production. */
const ZONE_NAMES = [
  'Europe/London',
  'Europe/Lisbon',
  'Africa/Abidjan',
  'UTC',
  'Europe/Berlin',
  'Europe/Paris',
  'Africa/Lagos',
  'Europe/Athens',
  'Africa/Cairo',
  'Europe/Moscow',
  'Asia/Dubai',
  'Asia/Karachi',
  'Asia/Kolkata',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
  'America/Sao_Paulo',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
];

/** As the subscribe flow stores them: ICU's canonical names (Asia/Kolkata may be Asia/Calcutta). */
const ZONES = ZONE_NAMES.map((zone) => {
  const canonical = canonicalTimeZone(zone);
  if (canonical === undefined) throw new Error(`${zone} is not a scheduled zone here`);
  return canonical;
});

/**
 * `count` confirmed readers, all due in the scheduled run at `now` (each one's send hour is their
 * zone's local hour at the top of that hour) and all served yesterday, so one edition window
 * serves them all.
 */
export function dueReaders(count: number, now: Date = new Date(BENCH_NOW)): Subscriber[] {
  return Array.from({ length: count }, (_, index) => dueReader(index, now));
}

/** The `index`th reader of dueReaders, made one at a time so a large audience needs no array. */
export function dueReader(index: number, now: Date = new Date(BENCH_NOW)): Subscriber {
  const { slot } = planWindow(now, 'scheduled');
  const timezone = ZONES[index % ZONES.length]!;
  return {
    email: `reader${index}@mail${index % 97}.example`,
    status: 'confirmed',
    timezone,
    sendHour: localTime(slot, timezone).hour,
    topics: [],
    createdAt: '2026-10-01T10:00:00.000Z',
    updatedAt: '2026-10-01T10:05:00.000Z',
    confirmedAt: '2026-10-01T10:05:00.000Z',
    consent: { at: '2026-10-01T10:00:00.000Z', ip: '203.0.113.7', userAgent: 'Mozilla/5.0' },
    lastDigestCutoff: YESTERDAY_CUTOFF,
    lastEditionId: editionId(DAY_BEFORE_CUTOFF, YESTERDAY_CUTOFF),
  };
}
