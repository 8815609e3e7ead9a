import { describe, expect, it } from 'vitest';
import { knownZone, localTimeLabels } from '../../../../functions/core/shared/local-time.ts';

const at = (iso: string) => Date.parse(iso);

describe('localTimeLabels', () => {
  // Sent at 07:05 UTC on Thursday 26 November 2026.
  const now = at('2026-11-26T07:05:00Z');

  it("says today, yesterday or the weekday, in the reader's zone and clock", () => {
    const times = [at('2026-11-26T06:30:00Z'), at('2026-11-25T18:00:00Z'), at('2026-11-23T09:15:00Z')];
    expect(localTimeLabels(times, now, 'Europe/Berlin')).toEqual(['Today, 07:30', 'Yesterday, 19:00', 'Monday, 10:15']);
  });

  it("moves a story to another day when the reader's zone does", () => {
    // 23:30 UTC on the 25th is already the 26th in Tokyo, and still the 25th in New York.
    const late = [at('2026-11-25T23:30:00Z')];
    expect(localTimeLabels(late, now, 'Asia/Tokyo')).toEqual(['Today, 08:30']);
    expect(localTimeLabels(late, now, 'America/New_York')).toEqual(['Yesterday, 18:30']);
  });

  it('uses the date for anything older than six days, with the year only when it differs', () => {
    const times = [at('2026-11-10T12:00:00Z'), at('2025-07-22T12:00:00Z')];
    expect(localTimeLabels(times, now, 'UTC')).toEqual(['10 Nov, 12:00', '22 Jul 2025, 12:00']);
  });

  it('counts a time later on the same day (a clock skew) as today', () => {
    expect(localTimeLabels([at('2026-11-26T09:00:00Z')], now, 'UTC')).toEqual(['Today, 09:00']);
  });

  it('never calls a later day "Today": a future date shows in full', () => {
    expect(localTimeLabels([at('2026-11-27T09:00:00Z'), at('2099-01-01T00:00:00Z')], now, 'UTC')).toEqual([
      '27 Nov 2026, 09:00',
      '1 Jan 2099, 00:00',
    ]);
  });

  it('handles half- and quarter-hour zones', () => {
    expect(localTimeLabels([at('2026-11-26T06:00:00Z')], now, 'Asia/Kathmandu')).toEqual(['Today, 11:45']);
    expect(localTimeLabels([at('2026-11-26T06:00:00Z')], now, 'Asia/Kolkata')).toEqual(['Today, 11:30']);
  });

  it('falls back to UTC for a zone the runtime does not know, instead of failing the send', () => {
    expect(knownZone('Mars/Olympus_Mons')).toBe('UTC');
    expect(localTimeLabels([at('2026-11-26T06:00:00Z')], now, 'Mars/Olympus_Mons')).toEqual(['Today, 06:00']);
  });
});
