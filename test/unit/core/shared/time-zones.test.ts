/**
 * Time-zone aliases and links resolve to the zone the reader means, the same on the Node that
 * runs the tests and on the one Lambda runs (`npm test` runs this file on Node 20 and on 22,
 * whose newer tz data turned EST5EDT and its kin into links that ICU answers as themselves).
 */
import { describe, expect, it } from 'vitest';
import { dueSlots } from '../../../../functions/core/planning/send-slots.ts';
import { allTimeZones, canonicalTimeZone, localTime } from '../../../../functions/core/shared/local-time.ts';

/** A winter and a summer instant in both hemispheres, and one on each side of a US clock change. */
const INSTANTS = [
  '2026-01-15T12:00:00Z',
  '2026-07-15T12:00:00Z',
  '2026-03-08T06:30:00Z',
  '2026-03-08T07:30:00Z',
  '2026-11-01T06:30:00Z',
].map((iso) => new Date(iso));

describe('time-zone aliases and links', () => {
  it.each([
    ['EST5EDT', 'America/New_York'],
    ['CST6CDT', 'America/Chicago'],
    ['MST7MDT', 'America/Denver'],
    ['PST8PDT', 'America/Los_Angeles'],
    ['est5edt', 'America/New_York'],
    ['EST', 'America/Panama'],
    ['MST', 'America/Phoenix'],
    ['HST', 'Pacific/Honolulu'],
    ['CET', 'Europe/Brussels'],
    ['EET', 'Europe/Athens'],
    ['US/Eastern', 'America/New_York'],
    ['US/Pacific', 'America/Los_Angeles'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['Europe/Uzhgorod', 'Europe/Kyiv'],
    ['America/Godthab', 'America/Nuuk'],
    ['Asia/Saigon', 'Asia/Ho_Chi_Minh'],
    ['Asia/Rangoon', 'Asia/Yangon'],
    ['Asia/Katmandu', 'Asia/Kathmandu'],
    ['America/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['America/Nipigon', 'America/Toronto'],
    ['GB', 'Europe/London'],
    ['Europe/Belfast', 'Europe/London'],
    ['Australia/ACT', 'Australia/Sydney'],
    ['Zulu', 'UTC'],
    ['Etc/Greenwich', 'UTC'],
  ])('%s is %s: one zone the hourly run visits, with its local hours', (alias, primary) => {
    const canonical = canonicalTimeZone(alias);
    expect(canonical).toBeDefined();
    expect(canonicalTimeZone(primary)).toBe(canonical);
    expect(allTimeZones()).toContain(canonical);
    for (const instant of INSTANTS) {
      expect(localTime(instant, canonical!), instant.toISOString()).toEqual(localTime(instant, primary));
      expect(dueSlots(instant, [canonical!])).toEqual(dueSlots(instant, [primary]).map((slot) => ({ ...slot, timezone: canonical })));
    }
  });

  it.each([
    ['EST5EDT', 'America/New_York'],
    ['CST6CDT', 'America/Chicago'],
    ['MST7MDT', 'America/Denver'],
    ['PST8PDT', 'America/Los_Angeles'],
  ])('stores %s under %s on every Node, as tzdata links it', (legacy, target) => {
    expect(canonicalTimeZone(legacy)).toBe(target);
  });

  it('resolves every zone the runtime lists to a zone the hourly run visits, which resolves to itself', () => {
    const visited = new Set(allTimeZones());
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      const canonical = canonicalTimeZone(zone);
      expect(canonical, zone).toBeDefined();
      expect(visited.has(canonical!), zone).toBe(true);
      expect(canonicalTimeZone(canonical!), zone).toBe(canonical);
    }
  });

  it.each([
    'Etc/GMT+5',
    'Etc/GMT-14',
    'EST5',
    'PST8',
    'Mars/Olympus_Mons',
    'America/New_York_City',
    'hasOwnProperty',
    '__proto__',
    'constructor',
  ])('refuses %s, which no reader can be due in', (zone) => {
    expect(canonicalTimeZone(zone)).toBeUndefined();
  });
});
