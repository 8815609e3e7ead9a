import { describe, expect, it } from 'vitest';
import { dueSlots } from '../../../../functions/core/planning/send-slots.ts';
import { allTimeZones, canonicalTimeZone, localTime } from '../../../../functions/core/shared/local-time.ts';

const hourIn = (iso: string, zone: string) => dueSlots(new Date(iso), [zone])[0]?.hour;

describe('canonicalTimeZone', () => {
  it('resolves an alias and its primary name to the same zone, which the planner knows', () => {
    const alias = canonicalTimeZone('Asia/Calcutta');
    expect(alias).toBeDefined();
    expect(canonicalTimeZone('Asia/Kolkata')).toBe(alias);
    expect(allTimeZones()).toContain(alias);
  });

  it.each([
    ['US/Eastern', 'America/New_York'],
    ['utc', 'UTC'],
    ['Etc/UTC', 'UTC'],
    ['europe/london', 'Europe/London'],
  ])('resolves %s to %s', (input, canonical) => {
    expect(canonicalTimeZone(input)).toBe(canonical);
  });

  it.each(['Mars/Olympus_Mons', '', 'Europe/London; DROP TABLE', '../../etc/passwd', 'Europe/London\n', 'x'.repeat(65), '+05:30'])(
    'rejects %j',
    (junk) => {
      expect(canonicalTimeZone(junk)).toBeUndefined();
    },
  );
});

describe('allTimeZones', () => {
  it.each(['EST5EDT', 'CET', 'Europe/Kyiv', 'America/Nuuk', 'Asia/Ho_Chi_Minh', 'Zulu', 'GMT', 'US/Eastern'])(
    'lists the zone %s resolves to, so a reader who chose it is ever due',
    (zone) => {
      const canonical = canonicalTimeZone(zone);
      expect(canonical).toBeDefined();
      expect(allTimeZones()).toContain(canonical);
    },
  );

  it.each(['Etc/GMT+5', 'Etc/GMT-14'])('refuses the fixed-offset zone %s, which the hourly run never visits', (zone) => {
    expect(canonicalTimeZone(zone)).toBeUndefined();
  });

  it('lists UTC and every zone once', () => {
    const zones = allTimeZones();
    expect(zones).toContain('UTC');
    expect(zones).toContain('Europe/London');
    expect(new Set(zones).size).toBe(zones.length);
    expect(zones.length).toBeGreaterThan(300);
  });
});

describe('dueSlots', () => {
  it('gives Europe/London hour 7 from 07:00 to 07:59 UTC in winter', () => {
    expect(hourIn('2026-01-15T06:59:59Z', 'Europe/London')).toBe(6);
    expect(hourIn('2026-01-15T07:00:00Z', 'Europe/London')).toBe(7);
    expect(hourIn('2026-01-15T07:59:59Z', 'Europe/London')).toBe(7);
    expect(hourIn('2026-01-15T08:00:00Z', 'Europe/London')).toBe(8);
  });

  it('gives Europe/London hour 7 from 06:00 to 06:59 UTC in summer time', () => {
    expect(hourIn('2026-07-15T05:59:59Z', 'Europe/London')).toBe(6);
    expect(hourIn('2026-07-15T06:00:00Z', 'Europe/London')).toBe(7);
    expect(hourIn('2026-07-15T06:59:59Z', 'Europe/London')).toBe(7);
    expect(hourIn('2026-07-15T07:00:00Z', 'Europe/London')).toBe(8);
  });

  it('follows America/New_York into daylight time on 8 March 2026', () => {
    expect(hourIn('2026-03-07T12:00:00Z', 'America/New_York')).toBe(7);
    // 02:00 EST jumps to 03:00 EDT at 07:00 UTC: local 2 a.m. does not happen.
    expect(hourIn('2026-03-08T06:59:00Z', 'America/New_York')).toBe(1);
    expect(hourIn('2026-03-08T07:00:00Z', 'America/New_York')).toBe(3);
    expect(hourIn('2026-03-09T11:00:00Z', 'America/New_York')).toBe(7);
    expect(hourIn('2026-03-09T12:00:00Z', 'America/New_York')).toBe(8);
  });

  it('follows America/New_York back to standard time on 1 November 2026', () => {
    expect(hourIn('2026-10-31T11:00:00Z', 'America/New_York')).toBe(7);
    // 02:00 EDT falls back to 01:00 EST at 06:00 UTC: local 1 a.m. happens twice.
    expect(hourIn('2026-11-01T05:30:00Z', 'America/New_York')).toBe(1);
    expect(hourIn('2026-11-01T06:30:00Z', 'America/New_York')).toBe(1);
    expect(hourIn('2026-11-02T11:00:00Z', 'America/New_York')).toBe(6);
    expect(hourIn('2026-11-02T12:00:00Z', 'America/New_York')).toBe(7);
  });

  it('gives Asia/Kolkata (+05:30) hour 12 from 06:30 to 07:29 UTC', () => {
    expect(hourIn('2026-06-01T06:29:59Z', 'Asia/Kolkata')).toBe(11);
    expect(hourIn('2026-06-01T06:30:00Z', 'Asia/Kolkata')).toBe(12);
    expect(hourIn('2026-06-01T07:29:59Z', 'Asia/Kolkata')).toBe(12);
    expect(hourIn('2026-06-01T07:30:00Z', 'Asia/Kolkata')).toBe(13);
  });

  it('returns one slot per zone asked about, named as asked', () => {
    const slots = dueSlots(new Date('2026-01-15T07:00:00Z'), ['UTC', 'Asia/Tokyo', 'America/Los_Angeles']);
    expect(slots).toEqual([
      { timezone: 'UTC', hour: 7 },
      { timezone: 'Asia/Tokyo', hour: 16 },
      { timezone: 'America/Los_Angeles', hour: 23 },
    ]);
  });

  it('covers every known zone by default', () => {
    const slots = dueSlots(new Date('2026-01-15T07:00:00Z'));
    expect(slots).toHaveLength(allTimeZones().length);
    expect(slots).toContainEqual({ timezone: 'UTC', hour: 7 });
    expect(slots).toContainEqual({ timezone: canonicalTimeZone('Asia/Kolkata'), hour: 12 });
  });
});

describe('localTime', () => {
  it('rolls the date forward east of UTC', () => {
    expect(localTime(new Date('2026-12-31T23:30:00Z'), 'Asia/Tokyo')).toEqual({
      date: '2027-01-01',
      hour: 8,
      minute: 30,
      weekday: 'Fri',
    });
  });

  it('rolls the date back west of UTC', () => {
    expect(localTime(new Date('2026-01-01T03:15:00Z'), 'America/Los_Angeles')).toEqual({
      date: '2025-12-31',
      hour: 19,
      minute: 15,
      weekday: 'Wed',
    });
  });

  it('calls midnight hour 0, not 24', () => {
    const midnight = localTime(new Date('2026-03-10T00:05:00Z'), 'UTC');
    expect(midnight.hour).toBe(0);
    expect(midnight.date).toBe('2026-03-10');
  });

  it('uses the half-hour offset for the date too', () => {
    expect(localTime(new Date('2026-06-01T18:29:00Z'), 'Asia/Kolkata').date).toBe('2026-06-01');
    expect(localTime(new Date('2026-06-01T18:30:00Z'), 'Asia/Kolkata').date).toBe('2026-06-02');
  });
});

describe('dueSlots across a spring-forward gap', () => {
  it('makes New York readers of the skipped 02:00 due at 03:00 on the day clocks go forward', () => {
    // 2026-03-08 07:00 UTC is 03:00 EDT; an hour earlier it was 01:00 EST, so 02:00 never happened.
    const slots = dueSlots(new Date('2026-03-08T07:00:00.000Z'), ['America/New_York']);
    expect(slots).toEqual([
      { timezone: 'America/New_York', hour: 3 },
      { timezone: 'America/New_York', hour: 2 },
    ]);
  });

  it('adds nothing on an ordinary hour or when clocks go back', () => {
    expect(dueSlots(new Date('2026-03-09T07:00:00.000Z'), ['America/New_York'])).toEqual([{ timezone: 'America/New_York', hour: 3 }]);
    // 2026-11-01 06:00 UTC is 01:00 EST, an hour after 01:00 EDT: the hour repeats, none is skipped.
    expect(dueSlots(new Date('2026-11-01T06:00:00.000Z'), ['America/New_York'])).toEqual([{ timezone: 'America/New_York', hour: 1 }]);
  });

  it('covers the skipped hour in London too', () => {
    // 2026-03-29 01:00 UTC: 01:00 GMT became 02:00 BST, so local 01:00 never happened.
    expect(dueSlots(new Date('2026-03-29T01:00:00.000Z'), ['Europe/London'])).toEqual([
      { timezone: 'Europe/London', hour: 2 },
      { timezone: 'Europe/London', hour: 1 },
    ]);
  });
});
