/**
 * The hourly run across clock changes, through the sparse slot index in dynalite: every hour of
 * the days around a change, list the due readers as the planner does and check each reader is
 * found once per local day, at their local send hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { dueSlots } from '../../functions/core/planning/send-slots.ts';
import { canonicalTimeZone, localTime } from '../../functions/core/shared/local-time.ts';
import { type LocalDynamo, startDynalite } from '../support/dynamo.ts';
import { aSubscriber } from '../support/fakes.ts';

const HOUR_MS = 3_600_000;
const KOLKATA = canonicalTimeZone('Asia/Kolkata')!;
const READERS = [
  { email: 'london7@example.com', timezone: 'Europe/London', sendHour: 7 },
  { email: 'london1@example.com', timezone: 'Europe/London', sendHour: 1 },
  { email: 'newyork7@example.com', timezone: 'America/New_York', sendHour: 7 },
  // 02:00 is skipped on the spring-forward day: served at 03:00 that day.
  { email: 'newyork2@example.com', timezone: 'America/New_York', sendHour: 2 },
  { email: 'kolkata7@example.com', timezone: KOLKATA, sendHour: 7 },
  { email: 'kolkata0@example.com', timezone: KOLKATA, sendHour: 0 },
];

let dynamo: LocalDynamo;
let subscribers: DynamoSubscriberStore;

beforeAll(async () => {
  dynamo = await startDynalite();
  subscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName);
  for (const reader of READERS) await subscribers.put(aSubscriber(reader));
});

afterAll(async () => {
  await dynamo?.stop();
});

/** Every top of the hour from `fromUtc` for `hours`, with who the slot index says is due. */
async function hourlyRuns(fromUtc: string, hours: number): Promise<{ email: string; at: Date }[]> {
  const found: { email: string; at: Date }[] = [];
  const zones = await subscribers.listTimeZones();
  for (let i = 0; i < hours; i++) {
    const at = new Date(Date.parse(fromUtc) + i * HOUR_MS);
    for await (const reader of subscribers.listDue(dueSlots(at, zones))) found.push({ email: reader.email, at });
  }
  return found;
}

describe.each([
  ['spring forward, New York (8 March 2026) and London (29 March 2026)', '2026-03-07T00:00:00Z', 24 * 24],
  ['fall back, London (25 October 2026) and New York (1 November 2026)', '2026-10-24T00:00:00Z', 10 * 24],
])('the slot index across %s', (_name, fromUtc, hours) => {
  it('finds each reader once per local day, at their local send hour (or the hour after a skipped one)', async () => {
    const runs = await hourlyRuns(fromUtc, hours);
    for (const reader of READERS) {
      const mine = runs.filter((run) => run.email === reader.email);
      const local = mine.map((run) => localTime(run.at, reader.timezone));
      const days = [...new Set(local.map((time) => time.date))];
      // Every local day, the skipped spring hour included.
      expect(days.length, reader.email).toBeGreaterThanOrEqual(Math.floor(hours / 24) - 1);
      // Twice in a day only in the hour that repeats when clocks go back (01:00 in London, 01:00 in
      // New York); the planner's one-digest-a-day rule (plan.test.ts, autumn clock change) sends once.
      const repeats = days.filter((day) => local.filter((time) => time.date === day).length > 1);
      for (const day of repeats) {
        const listed = mine.filter((run) => localTime(run.at, reader.timezone).date === day);
        expect(listed, `${reader.email} on ${day}`).toHaveLength(2);
        expect(listed[1]!.at.getTime() - listed[0]!.at.getTime()).toBe(HOUR_MS);
      }
      expect(repeats.length, reader.email).toBeLessThanOrEqual(reader.sendHour === 1 ? 1 : 0);
      for (const run of mine) {
        const hour = localTime(run.at, reader.timezone).hour;
        expect([reader.sendHour, reader.sendHour + 1], `${reader.email} at ${run.at.toISOString()}`).toContain(hour);
      }
    }
    const kolkata = runs.filter((run) => run.email === 'kolkata7@example.com');
    // +05:30, no DST: 07:00 local is 01:30 UTC, so the 02:00 UTC run (07:30 local) finds them.
    expect(new Set(kolkata.map((run) => run.at.getUTCHours()))).toEqual(new Set([2]));
  }, 120_000);
});
