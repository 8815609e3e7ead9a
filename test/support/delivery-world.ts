/**
 * A planner and a sender on in-memory stores, for tests that follow readers across several runs:
 * readers join, runs plan, senders send what is queued, and each reader's digests are counted.
 */
import { sendChunk } from '../../functions/core/delivery/send-chunk.ts';
import type { DeliveryChunk } from '../../functions/core/delivery/types.ts';
import { planDigest, type PlanDeps, type PlanMode, type PlanReport } from '../../functions/core/planning/plan.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';
import {
  anArticle,
  aSubscriber,
  FakeClock,
  FakeRenderer,
  MemoryArticleStore,
  MemoryDeliveryLedger,
  MemoryEditionStore,
  MemoryQueue,
  MemorySubscriberStore,
  RecordingMailer,
  testSettings,
} from './fakes.ts';

export async function deliveryWorld(now: string) {
  const clock = new FakeClock(now);
  const articles = new MemoryArticleStore();
  const subscribers = new MemorySubscriberStore();
  const deliveries = new MemoryDeliveryLedger(subscribers);
  const queue = new MemoryQueue();
  const mailer = new RecordingMailer();
  const deps = {
    articles,
    subscribers,
    editions: new MemoryEditionStore(),
    queue,
    renderer: new FakeRenderer(),
    clock,
    settings: testSettings(),
    deliveries,
    mailer,
  };
  const plan: PlanDeps = deps;
  const emails: string[] = [];
  await articles.putIfAbsent(anArticle({ ingestedAt: new Date(Date.parse(now) - 3600_000).toISOString() }));
  return {
    clock,
    articles,
    deliveries,
    queue,
    mailer,
    plan,
    emails,
    /** Confirmed readers `prefix-0@…` to `prefix-(count-1)@…`, in UTC at 07:00 unless told otherwise. */
    async join(prefix: string, count: number, overrides: Partial<Subscriber> = {}): Promise<string[]> {
      const joined = Array.from({ length: count }, (_, i) => `${prefix}-${i}@example.com`);
      for (const email of joined) {
        await subscribers.put(aSubscriber({ email, timezone: 'UTC', sendHour: 7, confirmedAt: clock.now().toISOString(), ...overrides }));
      }
      emails.push(...joined);
      return joined;
    },
    run: (mode: PlanMode): Promise<PlanReport> => planDigest(mode, plan),
    /** Sends every queued chunk, as the senders would, and empties the queue. */
    async deliverQueued(): Promise<void> {
      for (const job of queue.batches.splice(0).flat()) await sendChunk(job, deps);
    },
    digestsOf: (email: string): number => mailer.sent.filter((sent) => sent.to === email).length,
    /** Each reader's number of appearances in the chunks a send wrote. */
    plannedBy(send: string): Map<string, number> {
      const counts = new Map<string, number>();
      for (const chunk of deliveries.chunks().filter((c) => c.send === send))
        for (const email of chunk.emails) counts.set(email, (counts.get(email) ?? 0) + 1);
      return counts;
    },
    liveChunkReaders(): Set<string> {
      const live = deliveries.chunks().filter((chunk: DeliveryChunk) => ['open', 'claimed', 'paused'].includes(chunk.status));
      return new Set(live.flatMap((chunk) => chunk.emails));
    },
  };
}
