/**
 * DynamoDB failing some writes while digests go out, against dynalite with the real stores. The
 * faults are injected inside the SDK's retry loop, as a 500 from DynamoDB would arrive: some
 * before the write reaches the table, some after it was applied (the reply lost). Asserts 0 lost
 * and duplicates only inside the documented window (SES accepted, markSent never got through).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoArticleStore } from '../../functions/adapters/dynamo/article-store.ts';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo/delivery-store.ts';
import { DynamoEditionStore } from '../../functions/adapters/dynamo/edition-store.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { deliverDigest, type DeliverDeps } from '../../functions/core/delivery/deliver.ts';
import { planDigest } from '../../functions/core/planning/plan.ts';
import type { DeliveryStore } from '../../functions/core/delivery/ports.ts';
import { type LocalDynamo, startDynalite } from '../support/dynamo.ts';
import { anArticle, aSubscriber, FakeClock, FakeRenderer, RecordingMailer, testSettings } from '../support/fakes.ts';
import { faultSeed, seededRandom, SimulatedSqs, tally } from '../support/send-sim.ts';

const NOW = '2026-11-26T07:05:00.000Z';
const LEASE_MS = 6 * 60_000;
const READERS = 60;
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('sending while DynamoDB fails some writes', () => {
  it('loses nobody and sends twice only when markSent never got through', async () => {
    const seed = faultSeed();
    const random = seededRandom(seed);
    const faults = { on: false, before: 0, after: 0 };
    dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!faults.on || !WRITES.has(context.commandName ?? '')) return next(args);
        const serverError = () =>
          Object.assign(new Error('We encountered an internal error. Please try again.'), {
            name: 'InternalServerError',
            $fault: 'server',
            $metadata: { httpStatusCode: 500 },
          });
        if (random() < 0.15) {
          faults.before += 1;
          throw serverError();
        }
        const result = await next(args);
        if (random() < 0.1) {
          faults.after += 1;
          throw serverError();
        }
        return result;
      },
      // Inside the SDK's retry middleware, where a real 500 would surface.
      { step: 'deserialize', name: 'faultInjection' },
    );

    const clock = new FakeClock(NOW);
    const subscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName, clock);
    const articles = new DynamoArticleStore(dynamo.doc, dynamo.tableName);
    const editions = new DynamoEditionStore(dynamo.doc, dynamo.tableName);
    const store = new DynamoDeliveryStore(dynamo.doc, dynamo.tableName);
    const emails = Array.from({ length: READERS }, (_, i) => `faulty${i}@example.com`);
    for (const email of emails) await subscribers.put(aSubscriber({ email, lastDigestCutoff: '2026-11-25T06:58:00.000Z' }));
    await articles.putIfAbsent(anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }));
    const queue = new SimulatedSqs();
    const settings = testSettings();
    await planDigest('scheduled', { articles, subscribers, editions, queue, renderer: new FakeRenderer(), clock, settings });

    let windowEvents = 0;
    const deliveries: DeliveryStore = {
      claim: (job, at) => store.claim(job, at),
      reclaimStale: (job, stale, at) => store.reclaimStale(job, stale, at),
      get: (job) => store.get(job),
      markFailed: (job, error, at) => store.markFailed(job, error, at),
      confirmSent: (job, messageId, at) => store.confirmSent(job, messageId, at),
      // Reached only after SES accepted: if it fails for good, the row stays claimed.
      markSent: (job, messageId, at) =>
        store.markSent(job, messageId, at).catch((error: unknown) => {
          windowEvents += 1;
          throw error;
        }),
    };
    const mailer = new RecordingMailer();
    const deps: DeliverDeps = { editions, deliveries, subscribers, mailer, clock, settings, claimLeaseMs: LEASE_MS };
    faults.on = true;
    await queue.drain((job) => deliverDigest(job, deps), { concurrency: 8, clock, visibilityMs: LEASE_MS });
    faults.on = false;

    const { duplicates, lost } = tally(mailer.sent, emails);
    console.log(
      `DynamoDB write faults (seed ${seed}): ${faults.before} failed before the write, ${faults.after} after it (reply lost); ` +
        `${mailer.sent.length} emails for ${READERS} readers; window events ${windowEvents}, duplicates ${duplicates}, lost ${lost}`,
    );
    expect(faults.before + faults.after).toBeGreaterThan(0);
    expect(lost).toBe(0);
    expect(queue.deadLettered).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(windowEvents);
    for (const email of emails) expect((await subscribers.get(email))?.lastEditionId).toBeDefined();
  }, 120_000);
});
