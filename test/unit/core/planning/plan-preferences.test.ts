/** The planner honours the preference centre: weekly readers on their day, paused readers not at all. */
import { describe, expect, it } from 'vitest';
import { planDigest } from '../../../../functions/core/planning/plan.ts';
import {
  anArticle,
  aSubscriber,
  FakeClock,
  FakeRenderer,
  MemoryArticleStore,
  MemoryEditionStore,
  MemoryDeliveryLedger,
  MemoryQueue,
  MemorySubscriberStore,
  testSettings,
} from '../../../support/fakes.ts';

function plannerDeps(now: string) {
  return {
    articles: new MemoryArticleStore(),
    subscribers: new MemorySubscriberStore(),
    editions: new MemoryEditionStore(),
    queue: new MemoryQueue(),
    renderer: new FakeRenderer(),
    clock: new FakeClock(now),
    settings: testSettings(),
    deliveries: new MemoryDeliveryLedger(),
  };
}

async function plannedFor(now: string, readers: Parameters<typeof aSubscriber>[0][]): Promise<string[]> {
  const deps = plannerDeps(now);
  await deps.articles.putIfAbsent(anArticle({ ingestedAt: new Date(Date.parse(now) - 3600 * 1000).toISOString() }));
  for (const reader of readers) await deps.subscribers.put(aSubscriber(reader));
  await planDigest('scheduled', deps);
  return deps.queue.jobs.map((job) => job.email).sort();
}

describe('planDigest and reader preferences', () => {
  // 07:05 UTC on Thursday 26 November 2026: 07:05 in London.
  const THURSDAY = '2026-11-26T07:05:00.000Z';
  const london = { timezone: 'Europe/London', sendHour: 7 };

  it('sends weekly readers only on their weekday, and daily and older records every day', async () => {
    const planned = await plannedFor(THURSDAY, [
      { ...london, email: 'daily@example.com' },
      { ...london, email: 'old-record@example.com', frequency: undefined },
      { ...london, email: 'thursdays@example.com', frequency: 'weekly', weeklyDay: 4 },
      { ...london, email: 'fridays@example.com', frequency: 'weekly', weeklyDay: 5 },
    ]);
    expect(planned).toEqual(['daily@example.com', 'old-record@example.com', 'thursdays@example.com']);
  });

  it('skips a paused reader until the local date the pause ends', async () => {
    const paused = { ...london, email: 'paused@example.com', pausedUntil: '2026-11-27' };
    expect(await plannedFor(THURSDAY, [paused])).toEqual([]);
    expect(await plannedFor('2026-11-27T07:05:00.000Z', [paused])).toEqual(['paused@example.com']);
  });

  it('reports weekly readers on another weekday and paused readers as skipped, each under its reason', async () => {
    const deps = plannerDeps(THURSDAY);
    await deps.articles.putIfAbsent(anArticle({ ingestedAt: '2026-11-26T06:00:00.000Z' }));
    const readers = [
      { ...london, email: 'daily@example.com' },
      { ...london, email: 'fridays@example.com', frequency: 'weekly', weeklyDay: 5 },
      { ...london, email: 'mondays@example.com', frequency: 'weekly', weeklyDay: 1 },
      { timezone: 'Asia/Tokyo', sendHour: 9, email: 'tokyo-sundays@example.com', frequency: 'weekly', weeklyDay: 7 },
      { ...london, email: 'paused-weekly@example.com', frequency: 'weekly', weeklyDay: 5, pausedUntil: '2026-12-01' },
      { ...london, email: 'thursdays@example.com', frequency: 'weekly', weeklyDay: 4 },
    ] as const;
    for (const reader of readers) await deps.subscribers.put(aSubscriber(reader));

    const report = await planDigest('now', deps);

    expect(deps.queue.jobs.map((job) => job.email).sort()).toEqual(['daily@example.com', 'thursdays@example.com']);
    expect(report.skipped).toEqual({
      alreadySentToday: 0,
      nothingNew: 0,
      plannedElsewhere: 0,
      beingPlannedElsewhere: 0,
      cancelledToday: 0,
      weeklyOffDay: 3,
      paused: 1,
    });
  });
});
