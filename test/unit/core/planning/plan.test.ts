import { describe, expect, it } from 'vitest';
import { sendChunk } from '../../../../functions/core/delivery/send-chunk.ts';
import { settleLocalClaims } from '../../../../functions/core/delivery/settle.ts';
import { editionId } from '../../../../functions/core/edition/edition.ts';
import { PLAN_LOCK_LEASE_MS, planDigest, type PlanDeps } from '../../../../functions/core/planning/plan.ts';
import { canonicalTimeZone } from '../../../../functions/core/shared/local-time.ts';
import type { Article } from '../../../../functions/core/ingest/types.ts';
import type { Subscriber } from '../../../../functions/core/subscribers/types.ts';
import {
  anArticle,
  aSubscriber,
  FakeClock,
  FakeRenderer,
  MemoryArticleStore,
  MemoryDeliveryLedger,
  MemoryEditionStore,
  MemoryQueue,
  MemorySendStatsStore,
  MemorySubscriberStore,
  RecordingMailer,
  testSettings,
} from '../../../support/fakes.ts';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

function world(now: string) {
  const fakes = {
    articles: new MemoryArticleStore(),
    subscribers: new MemorySubscriberStore(),
    editions: new MemoryEditionStore(),
    queue: new MemoryQueue(),
    renderer: new FakeRenderer(),
    clock: new FakeClock(now),
    settings: testSettings(),
    deliveries: undefined as unknown as MemoryDeliveryLedger,
    mailer: new RecordingMailer(),
  };
  fakes.deliveries = new MemoryDeliveryLedger(fakes.subscribers);
  const deps: PlanDeps = fakes;
  return {
    ...fakes,
    deps,
    async add(...items: (Article | Subscriber)[]) {
      for (const item of items) {
        if ('status' in item) await fakes.subscribers.put(item);
        else await fakes.articles.putIfAbsent(item);
      }
    },
    /** Sends every queued job, as send-digest would, and empties the queue. */
    async deliverQueued() {
      const jobs = fakes.queue.batches.splice(0).flat();
      for (const job of jobs) await sendChunk(job, fakes);
    },
    recipients: () => fakes.queue.jobs.map((job) => job.email).sort(),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('planDigest, scheduled', () => {
  // 07:05 UTC on a winter Thursday: 07:05 in London, 16:05 in Tokyo, 12:35 in Kolkata, 02:05 in New York.
  const NOW = '2026-11-26T07:05:00.000Z';
  const CUTOFF = '2026-11-26T06:58:00.000Z';

  it('gives each reader whose local hour is now exactly one job, for one shared edition', async () => {
    const w = world(NOW);
    await w.add(
      aSubscriber({ email: 'london@example.com', timezone: 'Europe/London', sendHour: 7 }),
      aSubscriber({ email: 'tokyo@example.com', timezone: 'Asia/Tokyo', sendHour: 16 }),
      // Stored as the subscribe flow stores it: the runtime's canonical name (Asia/Calcutta on Node 20's ICU).
      aSubscriber({ email: 'kolkata@example.com', timezone: canonicalTimeZone('Asia/Kolkata')!, sendHour: 12 }),
      aSubscriber({ email: 'newyork@example.com', timezone: 'America/New_York', sendHour: 7 }),
      aSubscriber({ email: 'london-late@example.com', timezone: 'Europe/London', sendHour: 8 }),
      anArticle({ ingestedAt: '2026-11-25T12:00:00.000Z' }),
      anArticle({ ingestedAt: '2026-11-26T06:30:00.000Z' }),
    );

    const report = await planDigest('scheduled', w.deps);

    const id = editionId('2026-11-25T06:58:00.000Z', CUTOFF);
    expect(w.recipients()).toEqual(['kolkata@example.com', 'london@example.com', 'tokyo@example.com']);
    expect(new Set(w.queue.jobs.map((job) => job.editionId))).toEqual(new Set([id]));
    expect(report).toEqual({
      send: `hourly-${Date.parse('2026-11-26T07:00:00.000Z')}`,
      cutoff: CUTOFF,
      editions: [{ id, stories: 2, recipients: 3, created: true }],
      enqueued: 3,
      chunks: 3,
      skipped: {
        alreadySentToday: 0,
        nothingNew: 0,
        plannedElsewhere: 0,
        beingPlannedElsewhere: 0,
        cancelledToday: 0,
        weeklyOffDay: 0,
        paused: 0,
      },
      adopted: 0,
    });
    expect(w.editions.all()).toEqual([expect.objectContaining({ id, status: 'sending', recipients: 3 })]);
  });

  it('finds London readers an hour earlier in UTC during summer time', async () => {
    const reader = aSubscriber({ email: 'london@example.com', timezone: 'Europe/London', sendHour: 7 });
    const summer = world('2026-07-15T06:10:00.000Z');
    await summer.add(reader, anArticle({ ingestedAt: '2026-07-15T01:00:00.000Z' }));
    await planDigest('scheduled', summer.deps);
    expect(summer.recipients()).toEqual(['london@example.com']);

    const anHourLater = world('2026-07-15T07:10:00.000Z');
    await anHourLater.add(reader, anArticle({ ingestedAt: '2026-07-15T01:00:00.000Z' }));
    await planDigest('scheduled', anHourLater.deps);
    expect(anHourLater.recipients()).toEqual([]);
  });

  it('puts articles ingested in (since, cutoff] in the edition and nothing after the cutoff', async () => {
    const w = world(NOW);
    const atSince = anArticle({ title: 'At since', ingestedAt: '2026-11-25T06:58:00.000Z' });
    const justAfterSince = anArticle({ title: 'Just after since', ingestedAt: '2026-11-25T06:58:00.001Z' });
    const atCutoff = anArticle({ title: 'At cutoff', ingestedAt: CUTOFF });
    const afterCutoff = anArticle({ title: 'After cutoff', ingestedAt: '2026-11-26T07:02:00.000Z' });
    await w.add(aSubscriber(), atSince, justAfterSince, atCutoff, afterCutoff);

    await planDigest('scheduled', w.deps);

    const [edition] = w.editions.all();
    expect(edition?.stories.map((s) => s.title).sort()).toEqual(['At cutoff', 'Just after since']);
  });

  it('plans nothing for a reader with nothing new since their last digest', async () => {
    const w = world(NOW);
    await w.add(
      aSubscriber({ lastDigestCutoff: '2026-11-25T06:58:00.000Z' }),
      anArticle({ ingestedAt: '2026-11-25T06:00:00.000Z' }),
      anArticle({ ingestedAt: '2026-11-26T07:30:00.000Z' }),
    );

    const report = await planDigest('scheduled', w.deps);

    expect(w.queue.batches).toEqual([]);
    expect(w.editions.all()).toEqual([]);
    expect(w.renderer.digestViews).toEqual([]);
    expect(report).toMatchObject({ editions: [], enqueued: 0, skipped: { alreadySentToday: 0, nothingNew: 1 } });
  });

  it('skips a reader who already had today’s digest and plans one who had yesterday’s', async () => {
    const w = world(NOW);
    await w.add(
      aSubscriber({ email: 'sent-at-3am@example.com', lastDigestCutoff: '2026-11-26T03:00:00.000Z' }),
      aSubscriber({ email: 'yesterday@example.com', lastDigestCutoff: '2026-11-25T06:58:00.000Z' }),
      anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }),
    );

    const report = await planDigest('scheduled', w.deps);

    expect(w.recipients()).toEqual(['yesterday@example.com']);
    expect(report.skipped).toEqual({
      alreadySentToday: 1,
      nothingNew: 0,
      plannedElsewhere: 0,
      beingPlannedElsewhere: 0,
      cancelledToday: 0,
      weeklyOffDay: 0,
      paused: 0,
    });
  });

  it('resumes its own slot-days when the schedule fires twice in one hour: nobody is planned twice, the edition is rendered once', async () => {
    const w = world(NOW);
    await w.add(aSubscriber(), anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }));

    const first = await planDigest('scheduled', w.deps);
    w.clock.advance(20 * 60 * 1000);
    const second = await planDigest('scheduled', w.deps);

    expect(second.cutoff).toBe(first.cutoff);
    expect(first.editions.map((e) => [e.id, e.created])).toEqual([[editionId('2026-11-25T06:58:00.000Z', CUTOFF), true]]);
    expect(second.editions).toEqual([]);
    // Its own chunk, still open, goes on the queue again (the claim drops the repeat); no new chunk.
    expect(second.adopted).toBe(1);
    expect(new Set(w.queue.chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(w.editions.all()).toHaveLength(1);
    expect(w.renderer.digestViews).toHaveLength(1);
  });

  it('enqueues nobody on a repeat run after the digests went out', async () => {
    const w = world(NOW);
    await w.add(
      aSubscriber({ email: 'a@example.com' }),
      aSubscriber({ email: 'b@example.com' }),
      anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }),
    );

    await planDigest('scheduled', w.deps);
    await w.deliverQueued();
    w.clock.advance(30 * 60 * 1000);
    const repeat = await planDigest('scheduled', w.deps);

    expect(w.mailer.sent.map((e) => e.to).sort()).toEqual(['a@example.com', 'b@example.com']);
    expect(repeat).toMatchObject({ enqueued: 0, skipped: { alreadySentToday: 2, nothingNew: 0 } });
    expect(w.queue.jobs).toEqual([]);
  });

  it('covers at most the last 7 days for a reader away for a month', async () => {
    const w = world(NOW);
    const cutoffMs = Date.parse(CUTOFF);
    await w.add(
      aSubscriber({ lastDigestCutoff: iso(cutoffMs - 30 * DAY) }),
      anArticle({ title: 'Ten days old', ingestedAt: iso(cutoffMs - 10 * DAY) }),
      anArticle({ title: 'Eight days old', ingestedAt: iso(cutoffMs - 8 * DAY) }),
      anArticle({ title: 'Two days old', ingestedAt: iso(cutoffMs - 2 * DAY) }),
    );

    await planDigest('scheduled', w.deps);

    const [edition] = w.editions.all();
    expect(edition?.since).toBe(iso(cutoffMs - 7 * DAY));
    expect(edition?.stories.map((s) => s.title)).toEqual(['Two days old']);
  });

  it('covers the last day for a reader’s first digest', async () => {
    const w = world(NOW);
    const cutoffMs = Date.parse(CUTOFF);
    await w.add(
      aSubscriber(),
      anArticle({ title: 'Thirty hours old', ingestedAt: iso(cutoffMs - 30 * HOUR) }),
      anArticle({ title: 'Three hours old', ingestedAt: iso(cutoffMs - 3 * HOUR) }),
    );

    await planDigest('scheduled', w.deps);

    expect(w.editions.all()[0]?.stories.map((s) => s.title)).toEqual(['Three hours old']);
  });

  it('builds one edition per distinct window and sends each reader theirs', async () => {
    const w = world(NOW);
    await w.add(
      aSubscriber({ email: 'regular-1@example.com', lastDigestCutoff: '2026-11-25T06:58:00.000Z' }),
      aSubscriber({ email: 'regular-2@example.com', lastDigestCutoff: '2026-11-25T06:58:00.000Z' }),
      aSubscriber({ email: 'back-from-leave@example.com', lastDigestCutoff: '2026-11-22T06:58:00.000Z' }),
      anArticle({ ingestedAt: '2026-11-23T12:00:00.000Z' }),
      anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }),
    );

    const report = await planDigest('scheduled', w.deps);

    const recent = editionId('2026-11-25T06:58:00.000Z', CUTOFF);
    const longer = editionId('2026-11-22T06:58:00.000Z', CUTOFF);
    expect(report.editions.map((e) => [e.id, e.stories, e.recipients]).sort()).toEqual(
      [
        [recent, 1, 2],
        [longer, 2, 1],
      ].sort(),
    );
    const byReader = Object.fromEntries(w.queue.jobs.map((job) => [job.email, job.editionId]));
    expect(byReader).toEqual({
      'regular-1@example.com': recent,
      'regular-2@example.com': recent,
      'back-from-leave@example.com': longer,
    });
  });

  it.each(['pending', 'unsubscribed', 'bounced', 'complained'] as const)('ignores a %s reader', async (status) => {
    const w = world(NOW);
    await w.add(aSubscriber({ status }), anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }));

    const report = await planDigest('scheduled', w.deps);

    expect(w.queue.jobs).toEqual([]);
    expect(report.enqueued).toBe(0);
  });

  it('enqueues a large audience in bounded batches, each reader once', async () => {
    const w = world(NOW);
    const readers = Array.from({ length: 250 }, (_, i) => aSubscriber({ email: `reader-${i}@example.com` }));
    await w.add(...readers, anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }));

    const report = await planDigest('scheduled', w.deps);

    expect(w.queue.batches.every((batch) => batch.length > 0 && batch.length <= 100)).toBe(true);
    expect(w.recipients()).toEqual(readers.map((r) => r.email).sort());
    expect(report.enqueued).toBe(250);
    expect(w.editions.all()[0]?.recipients).toBe(250);
  });
});

describe('planDigest, send now', () => {
  it('includes confirmed readers outside their hour, cutting at the current second', async () => {
    const seed = async (w: ReturnType<typeof world>) =>
      w.add(
        aSubscriber({ email: 'london@example.com', timezone: 'Europe/London', sendHour: 7 }),
        aSubscriber({ email: 'newyork@example.com', timezone: 'America/New_York', sendHour: 7 }),
        aSubscriber({ email: 'pending@example.com', status: 'pending' }),
        anArticle({ ingestedAt: '2026-11-26T06:30:00.000Z' }),
      );
    const scheduled = world('2026-11-26T07:05:42.000Z');
    await seed(scheduled);
    await planDigest('scheduled', scheduled.deps);
    expect(scheduled.recipients()).toEqual(['london@example.com']);

    const now = world('2026-11-26T07:05:42.000Z');
    await seed(now);
    const report = await planDigest('now', now.deps);

    expect(report.cutoff).toBe('2026-11-26T07:05:42.000Z');
    expect(now.recipients()).toEqual(['london@example.com', 'newyork@example.com']);
    expect(now.editions.all()[0]?.stories).toHaveLength(1);
  });

  it('skips readers who already had today’s digest', async () => {
    const w = world('2026-11-26T15:00:00.000Z');
    await w.add(
      aSubscriber({ email: 'had-it@example.com', lastDigestCutoff: '2026-11-26T07:00:00.000Z' }),
      aSubscriber({ email: 'not-yet@example.com', lastDigestCutoff: '2026-11-25T07:00:00.000Z' }),
      anArticle({ ingestedAt: '2026-11-26T12:00:00.000Z' }),
    );

    const report = await planDigest('now', w.deps);

    expect(w.recipients()).toEqual(['not-yet@example.com']);
    expect(report.skipped.alreadySentToday).toBe(1);
  });

  it('mails a reader once when send-now is pressed twice a minute apart', async () => {
    const w = world('2026-11-26T15:00:10.000Z');
    await w.add(aSubscriber(), anArticle({ ingestedAt: '2026-11-26T12:00:00.000Z' }));

    await planDigest('now', w.deps);
    w.clock.advance(60_000);
    await planDigest('now', w.deps);
    await w.deliverQueued();

    expect(w.mailer.sent).toHaveLength(1);
  });
});

/** 260 readers and a send-now whose second enqueue fails with `death`: the run left its slot-day part-planned. */
async function partPlanned(prefix: string, death: string) {
  const w = world('2026-11-26T15:00:10.000Z');
  const readers = Array.from({ length: 260 }, (_, index) => aSubscriber({ email: `${prefix}-${index}@example.com` }));
  await w.add(...readers, anArticle({ ingestedAt: '2026-11-26T12:00:00.000Z' }));
  let enqueues = 0;
  const dying: PlanDeps = {
    ...w.deps,
    queue: {
      enqueue: async (jobs) => {
        enqueues += 1;
        if (enqueues > 1) throw new Error(death);
        await w.queue.enqueue(jobs);
      },
    },
  };
  await expect(planDigest('now', dying)).rejects.toThrow(death);
  return { w, readers };
}

describe('planDigest after a run that died part-way', () => {
  it('leaves the slot-day to its run for the lease, then a later run takes it over and plans the readers left, each reader once', async () => {
    const { w, readers } = await partPlanned('reader', 'the planner died');
    const planned = w.queue.jobs.length;
    expect(planned).toBeGreaterThan(0);
    expect(planned).toBeLessThan(readers.length);

    // Inside the lease the slot-day is still the dead run's: its chunks are re-enqueued, nobody is planned again.
    w.clock.advance(60_000);
    const early = await planDigest('now', w.deps);
    expect(early.enqueued).toBe(0);
    expect(early.skipped.beingPlannedElsewhere).toBeGreaterThan(0);
    expect(early.skipped.plannedElsewhere).toBe(0);

    w.clock.advance(PLAN_LOCK_LEASE_MS);
    const late = await planDigest('now', w.deps);
    expect(late.enqueued + planned).toBeLessThanOrEqual(readers.length);
    await w.deliverQueued();

    const mailed = w.mailer.sent.map((email) => email.to).sort();
    expect(mailed).toEqual(readers.map((reader) => reader.email).sort());
    // Complete now: a run after another lease takes nothing over and sends nobody again.
    w.clock.advance(PLAN_LOCK_LEASE_MS);
    const after = await planDigest('now', w.deps);
    await w.deliverQueued();
    expect(after.enqueued).toBe(0);
    expect(w.mailer.sent).toHaveLength(readers.length);
  });
});

describe('planDigest after a local restart', () => {
  it('lets the first send-now after a restart take over the slot-days a killed run left part-planned', async () => {
    const { w, readers } = await partPlanned('restart', 'the stack was killed');

    const { settlement } = await settleLocalClaims([], { ...w, sendStats: new MemorySendStatsStore() });
    expect(settlement.slotDays).toBe(1);
    w.clock.advance(60_000);
    await planDigest('now', w.deps);
    await w.deliverQueued();

    expect(w.mailer.sent.map((email) => email.to).sort()).toEqual(readers.map((reader) => reader.email).sort());
  });
});

describe('planDigest across the autumn clock change', () => {
  // On 1 November 2026 New York's 1 a.m. happens twice: 05:00-05:59 UTC (EDT), then 06:00-06:59 UTC (EST).
  const reader = aSubscriber({
    email: 'night-owl@example.com',
    timezone: 'America/New_York',
    sendHour: 1,
    lastDigestCutoff: '2026-10-31T05:00:00.000Z',
  });
  const news = () => anArticle({ ingestedAt: '2026-10-31T20:00:00.000Z' });

  it('sends once when the first send finished before the hour repeats', async () => {
    const w = world('2026-11-01T05:10:00.000Z');
    await w.add(reader, news());

    await planDigest('scheduled', w.deps);
    await w.deliverQueued();
    w.clock.set('2026-11-01T06:10:00.000Z');
    const repeat = await planDigest('scheduled', w.deps);
    await w.deliverQueued();

    expect(w.mailer.sent).toHaveLength(1);
    expect(repeat.skipped.alreadySentToday).toBe(1);
  });

  it('sends once even when the first send is still queued when the hour repeats', async () => {
    const w = world('2026-11-01T05:10:00.000Z');
    await w.add(reader, news());

    await planDigest('scheduled', w.deps);
    w.clock.set('2026-11-01T06:10:00.000Z');
    await planDigest('scheduled', w.deps);
    await w.deliverQueued();

    expect(w.mailer.sent).toHaveLength(1);
  });
});

describe('planDigest, send now right after an ingest', () => {
  it('includes an article ingested earlier in the same minute', async () => {
    const w = world('2026-11-26T15:00:40.500Z');
    await w.add(aSubscriber({ email: 'eager@example.com' }), anArticle({ ingestedAt: '2026-11-26T15:00:39.000Z' }));

    await planDigest('now', w.deps);

    expect(w.recipients()).toEqual(['eager@example.com']);
  });
});

describe('planDigest, the settle margin and late runs', () => {
  it('leaves an article stamped in the last minutes before the hour to the next edition, not to nobody', async () => {
    const reader = aSubscriber({ email: 'london@example.com', timezone: 'Europe/London', sendHour: 7 });
    const late = anArticle({ title: 'Stamped at 06:59', ingestedAt: '2026-11-26T06:59:00.000Z' });
    const today = world('2026-11-26T07:00:05.000Z');
    await today.add(reader, late);
    await planDigest('scheduled', today.deps);
    await today.deliverQueued();
    expect(today.editions.all()).toEqual([]);

    await today.add(anArticle({ title: 'Later that day', ingestedAt: '2026-11-26T15:00:00.000Z' }));
    await today.subscribers.recordDigest(reader.email, 'yesterday', '2026-11-26T06:58:00.000Z');
    today.clock.set('2026-11-27T07:00:05.000Z');
    await planDigest('scheduled', today.deps);
    const [edition] = today.editions.all();
    expect(edition?.stories.map((s) => s.title).sort()).toEqual(['Later that day', 'Stamped at 06:59']);
  });

  it('decides who is due by the scheduled hour, not by when a late retry runs', async () => {
    const kolkata = aSubscriber({ email: 'kolkata@example.com', timezone: canonicalTimeZone('Asia/Kolkata')!, sendHour: 12 });
    const early = aSubscriber({ email: 'kolkata-13@example.com', timezone: canonicalTimeZone('Asia/Kolkata')!, sendHour: 13 });
    // 07:40 UTC is 13:10 in Kolkata, but this is the 07:00 run retried: 12:30 local.
    const w = world('2026-11-26T07:40:00.000Z');
    await w.add(kolkata, early, anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }));
    await planDigest('scheduled', w.deps);
    expect(w.recipients()).toEqual(['kolkata@example.com']);
  });
});

describe('planDigest and zone names', () => {
  it('finds a reader whose zone is stored under another name than the runtime lists (Asia/Kolkata vs Asia/Calcutta)', async () => {
    const w = world('2026-11-26T07:00:30.000Z');
    await w.add(
      aSubscriber({ email: 'alias@example.com', timezone: 'Asia/Kolkata', sendHour: 12 }),
      anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }),
    );
    await planDigest('scheduled', w.deps);
    expect(w.recipients()).toEqual(['alias@example.com']);
  });
});

describe('planDigest and reader topics', () => {
  const NOW = '2026-11-26T07:05:00.000Z';
  const CUTOFF = '2026-11-26T06:58:00.000Z';
  const SINCE = '2026-11-25T06:58:00.000Z';

  it('builds one edition variant per window and topic set, rendered once for the readers who share it', async () => {
    const w = world(NOW);
    await w.add(
      aSubscriber({ email: 'plain@example.com', topics: [] }),
      aSubscriber({ email: 'science-1@example.com', topics: ['science'] }),
      aSubscriber({ email: 'science-2@example.com', topics: ['Science'] }),
      aSubscriber({ email: 'both@example.com', topics: ['sport', 'science'] }),
      aSubscriber({ email: 'both-reordered@example.com', topics: ['science', 'sport'] }),
      anArticle({ title: 'Fresh sport', topics: ['sport'], ingestedAt: '2026-11-26T06:00:00.000Z' }),
      anArticle({ title: 'Older science', topics: ['science'], ingestedAt: '2026-11-25T12:00:00.000Z' }),
    );

    const report = await planDigest('scheduled', w.deps);

    const plain = editionId(SINCE, CUTOFF);
    const science = editionId(SINCE, CUTOFF, ['science']);
    const both = editionId(SINCE, CUTOFF, ['science', 'sport']);
    expect(new Set([plain, science, both]).size).toBe(3);
    expect(Object.fromEntries(w.queue.jobs.map((job) => [job.email, job.editionId]))).toEqual({
      'plain@example.com': plain,
      'science-1@example.com': science,
      'science-2@example.com': science,
      'both@example.com': both,
      'both-reordered@example.com': both,
    });
    expect(report.editions.map((e) => [e.id, e.recipients]).sort()).toEqual(
      [
        [plain, 1],
        [science, 2],
        [both, 2],
      ].sort(),
    );
    expect(w.renderer.digestViews).toHaveLength(3);
    const titlesOf = (id: string) =>
      w.editions
        .all()
        .find((e) => e.id === id)
        ?.stories.map((s) => s.title);
    expect(titlesOf(plain)).toEqual(['Fresh sport', 'Older science']);
    expect(titlesOf(science)).toEqual(['Older science', 'Fresh sport']);
  });

  it('finds the existing variant on a repeated run instead of building it again', async () => {
    const w = world(NOW);
    await w.add(
      aSubscriber({ email: 'science@example.com', topics: ['science'] }),
      anArticle({ topics: ['science'], ingestedAt: '2026-11-26T06:00:00.000Z' }),
    );
    await planDigest('scheduled', w.deps);
    // A fresh ledger: the run does not own the slot-day, yet the edition exists.
    const again = await planDigest('scheduled', { ...w.deps, deliveries: new MemoryDeliveryLedger(w.subscribers) });
    expect(again.editions.map((e) => [e.id, e.created])).toEqual([[editionId(SINCE, CUTOFF, ['science']), false]]);
    expect(w.renderer.digestViews).toHaveLength(1);
  });
});
