/**
 * Fault injection for plan + send: repeated and concurrent planners, senders killed at every
 * point and then at random ones, SES throttling 30% of calls. Every test counts what the mailbox
 * received per reader: 0 lost always, and 0 duplicates except in the one documented window (SES
 * accepted the email, the sender died before the row was marked sent), which the tests count and
 * print. Each fault a test claims is forced at least once before the random ones (seeded by
 * test/support/seed.ts), so no draw can leave a kind out.
 */
import { SendBulkEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PacedMailer } from '../../../../functions/adapters/ses/paced-mailer.ts';
import { SesMailer } from '../../../../functions/adapters/ses/ses-mailer.ts';
import { sendChunk, type SendChunkDeps } from '../../../../functions/core/delivery/send-chunk.ts';
import { planDigest, type PlanDeps } from '../../../../functions/core/planning/plan.ts';
import type { SendQuota } from '../../../../functions/core/delivery/send-rate.ts';
import type { BulkMailer } from '../../../../functions/core/delivery/ports.ts';
import {
  anArticle,
  aSubscriber,
  FakeClock,
  FakeRenderer,
  MemoryArticleStore,
  MemoryDeliveryLedger,
  MemoryEditionStore,
  MemorySubscriberStore,
  RecordingMailer,
  testSettings,
} from '../../../support/fakes.ts';
import { announceSeed, seededRandom, TEST_SEED } from '../../../support/seed.ts';
import { SimulatedSqs, tally } from '../../../support/send-sim.ts';

/** 07:05 UTC: London readers with send hour 7 are due. */
const NOW = '2026-11-26T07:05:00.000Z';
const LEASE_MS = 6 * 60_000;

async function world(readers: number, mailer: BulkMailer = new RecordingMailer()) {
  const clock = new FakeClock(NOW);
  const articles = new MemoryArticleStore();
  await articles.putIfAbsent(anArticle({ title: 'Harbour bridge reopens', ingestedAt: '2026-11-26T05:00:00.000Z' }));
  const subscribers = new MemorySubscriberStore();
  const emails = Array.from({ length: readers }, (_, i) => `reader${i}@example.com`);
  for (const email of emails) {
    await subscribers.put(aSubscriber({ email, lastDigestCutoff: '2026-11-25T06:58:00.000Z' }));
  }
  const editions = new MemoryEditionStore();
  const deliveries = new MemoryDeliveryLedger(subscribers);
  const queue = new SimulatedSqs();
  const settings = testSettings();
  const plan: PlanDeps = { articles, subscribers, editions, queue, renderer: new FakeRenderer(), clock, settings, deliveries };
  const deliver: SendChunkDeps = { editions, deliveries, mailer, clock, settings, claimLeaseMs: LEASE_MS };
  return { clock, queue, plan, deliver, emails, deliveries, subscribers };
}

class SenderKilledError extends Error {
  override name = 'SenderKilledError';
}

/**
 * One sender's view of the ports for one job: every port call is a point where the process can
 * die, before the call or after it returned. Once dead, nothing more it does reaches anything.
 */
function mortal(base: SendChunkDeps, killAt: number, onKill: (point: string) => void): SendChunkDeps {
  let index = 0;
  let dead = false;
  const step = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
    if (dead) throw new SenderKilledError(name);
    if (index++ === killAt) {
      dead = true;
      onKill(`before ${name}`);
      throw new SenderKilledError(name);
    }
    const result = await call();
    if (index++ === killAt) {
      dead = true;
      onKill(`after ${name}`);
      throw new SenderKilledError(name);
    }
    return result;
  };
  const wrap = <T extends object>(label: string, target: T): T =>
    new Proxy(target, {
      get(object, property) {
        const value = Reflect.get(object, property) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => step(`${label}.${String(property)}`, () => Promise.resolve(value.apply(object, args)));
      },
    });
  return {
    ...base,
    editions: wrap('editions', base.editions),
    deliveries: wrap('deliveries', base.deliveries),
    mailer: wrap('mailer', base.mailer),
  };
}

/** The documented window: SES has the emails, neither the watermarks nor the chunk say so yet. */
const WINDOW_POINTS = new Set(['after mailer.sendBulk', 'before deliveries.recordDeliveries']);
/** Points a delivery can die at: before and after each of its six port calls. */
const KILL_POINTS = 12;

beforeAll(() => announceSeed('test/unit/core/delivery/send-faults.test.ts'));

describe('plan + send under faults', () => {
  it.each([2, 10])('sends each reader one digest when %i planners run at once', async (planners) => {
    const mailer = new RecordingMailer();
    const w = await world(40, mailer);

    await Promise.all(Array.from({ length: planners }, () => planDigest('scheduled', w.plan)));
    expect(w.queue.enqueued).toBe(planners * 40);
    await w.queue.drain((job) => sendChunk(job, w.deliver), { concurrency: 10, clock: w.clock, visibilityMs: LEASE_MS });

    const { duplicates, lost } = tally(mailer.sent, w.emails);
    console.log(
      `${planners} concurrent planners: ${w.queue.enqueued} jobs for 40 readers -> ${mailer.sent.length} emails, ${duplicates} duplicates, ${lost} lost`,
    );
    expect({ duplicates, lost, deadLettered: w.queue.deadLettered.length }).toEqual({ duplicates: 0, lost: 0, deadLettered: 0 });
  });

  it('loses nobody when senders die at random points, and sends twice only inside the documented window', async () => {
    const random = seededRandom();
    const runs = 150;
    const kills = new Map<string, number>();
    let windowKills = 0;
    let windowRecipients = 0;
    let windowNow = 0;
    let duplicates = 0;
    let lost = 0;
    for (let run = 0; run < runs; run++) {
      const mailer = new RecordingMailer();
      const w = await world(8, mailer);
      windowNow = 0;
      await planDigest('scheduled', w.plan);
      // Run n's first delivery dies at point n, so every point is hit once whatever the draw; after
      // that each attempt dies with probability 0.25 at a random point. A job dies at most twice,
      // so none reaches the dead-letter queue (5 receives) by bad luck alone.
      const deaths = new Map<string, number>();
      let attempts = 0;
      const deliver = (job: Parameters<typeof sendChunk>[0]) => {
        const died = deaths.get(job.id) ?? 0;
        const forced = attempts++ === 0 && run < KILL_POINTS;
        const killAt = forced ? run : died < 2 && random() < 0.25 ? Math.floor(random() * KILL_POINTS) : -1;
        if (killAt >= 0) deaths.set(job.id, died + 1);
        return sendChunk(
          job,
          mortal(w.deliver, killAt, (point) => {
            kills.set(point, (kills.get(point) ?? 0) + 1);
            if (WINDOW_POINTS.has(point)) {
              windowKills += 1;
              windowNow += 1;
            }
          }),
        );
      };
      await w.queue.drain(deliver, { concurrency: 3, clock: w.clock, visibilityMs: LEASE_MS });
      const result = tally(mailer.sent, w.emails);
      duplicates += result.duplicates;
      lost += result.lost + w.queue.deadLettered.length;
      windowRecipients += windowNow * 8;
    }
    const byPoint = [...kills]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([point, n]) => `${point} ${n}`)
      .join(', ');
    console.log(
      `killed senders (seed ${TEST_SEED}): ${runs} runs x 8 readers; kills: ${byPoint}; ` +
        `window kills ${windowKills}, duplicates ${duplicates}, lost ${lost}`,
    );
    expect(kills.size).toBe(KILL_POINTS);
    for (const point of WINDOW_POINTS) expect(kills.get(point), point).toBeGreaterThan(0);
    expect(lost).toBe(0);
    // A death inside the window resends that call's recipients (all 8 readers are one chunk) once
    // the lease runs out; no other death resends anyone.
    expect(duplicates).toBe(windowRecipients);
  });

  describe('with SES throttling 30% of calls', () => {
    const ses = mockClient(SESv2Client);
    afterEach(() => ses.reset());

    it('sends every digest once, retrying the throttled calls and entries through the token bucket', async () => {
      const random = seededRandom();
      const accepted: string[] = [];
      let calls = 0;
      let throttled = 0;
      let throttledEntries = 0;
      let acceptedCalls = 0;
      ses.on(SendBulkEmailCommand).callsFake((input: { BulkEmailEntries?: { Destination?: { ToAddresses?: string[] } }[] }) => {
        calls += 1;
        // Whatever the draw, the first call is throttled whole and the first call let through has
        // its first entry throttled.
        if (calls === 1 || random() < 0.3) {
          throttled += 1;
          // As SES v2 answers over the rate: HTTP 429, no Retry-After.
          throw Object.assign(new Error('Maximum sending rate exceeded.'), {
            name: 'TooManyRequestsException',
            $fault: 'client',
            $metadata: { httpStatusCode: 429 },
          });
        }
        // Inside a call, SES may also throttle single entries (ACCOUNT_THROTTLED): retried alone.
        acceptedCalls += 1;
        const firstLetThrough = acceptedCalls === 1;
        return {
          BulkEmailEntryResults: (input.BulkEmailEntries ?? []).map((entry, index) => {
            if ((firstLetThrough && index === 0) || random() < 0.1) {
              throttledEntries += 1;
              return { Status: 'ACCOUNT_THROTTLED' };
            }
            accepted.push(entry.Destination?.ToAddresses?.[0] ?? '');
            return { Status: 'SUCCESS', MessageId: `ses-${accepted.length}` };
          }),
        };
      });
      const quota: SendQuota = { maxSendRate: 14, max24HourSend: 50_000, sentLast24Hours: 0 };
      // Simulated time: the bucket's waits and the backoff move it on instantly; the test checks behaviour, not speed.
      let nowMs = 0;
      const mailer = new PacedMailer(
        new SesMailer(new SESv2Client({ region: 'us-east-1' })),
        { get: async () => quota },
        {
          fleet: { senders: 2, headroom: 0.97 },
          random,
          nowMs: () => nowMs,
          // Concurrent sleepers each wake at their own time; the clock is the latest wake so far.
          sleep: async (ms) => {
            const wake = nowMs + ms;
            await Promise.resolve();
            nowMs = Math.max(nowMs, wake);
          },
        },
      );
      const w = await world(200, mailer);

      await planDigest('scheduled', w.plan);
      await w.queue.drain((job) => sendChunk(job, w.deliver), { concurrency: 10, clock: w.clock, visibilityMs: LEASE_MS });

      const sent = accepted.map((to) => ({ to }) as never);
      const { duplicates, lost } = tally(sent, w.emails);
      console.log(
        `SES throttling (seed ${TEST_SEED}): ${calls} SendBulkEmail calls, ${throttled} throttled (${((throttled / calls) * 100).toFixed(0)}%), ` +
          `${throttledEntries} entries throttled, ` +
          `${accepted.length} accepted for 200 readers, ${duplicates} duplicates, ${lost} lost, ${(nowMs / 1000).toFixed(1)} s simulated`,
      );
      expect(throttled).toBeGreaterThan(0);
      expect(throttledEntries).toBeGreaterThan(0);
      expect({ duplicates, lost, deadLettered: w.queue.deadLettered.length }).toEqual({ duplicates: 0, lost: 0, deadLettered: 0 });
    });
  });
});
