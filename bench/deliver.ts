/**
 * Send: deliverDigest for N recipients through the InProcessQueue, against dynalite and
 * aws-ses-v2-local (real SES v2 SendEmail through the SDK), with every DynamoDB and SES request
 * counted. Two split cases show where the time goes (SES with in-memory stores; DynamoDB with a
 * mailer that does nothing). Baseline: raw SendEmail calls with a small fixed body to the same
 * emulator at the same concurrency, the emulator's own ceiling.
 *
 *   npm run bench:deliver -- --recipients 5000 --concurrency 8
 */
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import { DynamoDeliveryStore } from '../functions/adapters/dynamo/delivery-store.ts';
import { DynamoEditionStore } from '../functions/adapters/dynamo/edition-store.ts';
import { DynamoSubscriberStore } from '../functions/adapters/dynamo/subscriber-store.ts';
import { TemplateRenderer } from '../functions/adapters/render/template-renderer.ts';
import { SesMailer } from '../functions/adapters/ses/ses-mailer.ts';
import type { DeliverDeps } from '../functions/core/delivery/deliver.ts';
import { buildEdition } from '../functions/core/edition/edition.ts';
import type { Article } from '../functions/core/ingest/types.ts';
import type { DeliveryJob } from '../functions/core/delivery/types.ts';
import type { Edition } from '../functions/core/edition/types.ts';
import type { Mailer, OutgoingEmail } from '../functions/core/shared/mail.ts';
import type { EditionStore } from '../functions/core/edition/ports.ts';
import { sendBatch } from '../functions/core/delivery/send-batch.ts';
import type { JobDeferral, SendStatsStore } from '../functions/core/delivery/ports.ts';
import { InProcessQueue, type QueueOutcome } from '../functions/local/in-process-queue.ts';
import {
  countFlag,
  emitJson,
  forEachConcurrently,
  formatNumber,
  measure,
  parseFlags,
  printHeader,
  printNote,
  printTable,
  runMain,
  type BenchCase,
} from './harness.ts';
import { articlePayloads, storedArticles } from './support/articles.ts';
import { startBenchDynamo, startBenchSes } from './support/emulators.ts';
import { BENCH_NOW, benchClock, benchSettings, dueReaders, TODAY_CUTOFF, YESTERDAY_CUTOFF } from './support/fixtures.ts';
import { MemoryDeliveryStore, MemoryEditionStore, MemorySubscriberStore } from '../test/support/memory-stores.ts';

const flagsSchema = z.object({
  recipients: countFlag(2_000, 'recipients per run'),
  concurrency: countFlag(4, 'deliveries in flight (InProcessQueue default 4; the SQS handler uses 5)'),
  runs: countFlag(3, 'timed runs per case'),
  warmup: countFlag(1, 'untimed runs per case first', 0),
});

const DAY_MS = 24 * 3600 * 1000;
const LOAD_CONCURRENCY = 16;
const FROM = 'The Daily Digest <digest@digest.example>';

/** Accepts every email at once: the DynamoDB-only split. */
class NullMailer implements Mailer {
  #sent = 0;

  async send(_email: OutgoingEmail): Promise<{ messageId: string }> {
    this.#sent += 1;
    return { messageId: `bench-${this.#sent}` };
  }
}

/**
 * Every run sends a new edition one day later than the last, so no reader has had it
 * ("one digest a day") and every delivery row is new.
 */
class EditionsByDay {
  #day = 0;

  constructor(
    private readonly articles: readonly Article[],
    private readonly renderer: TemplateRenderer,
  ) {}

  async next(): Promise<Edition> {
    this.#day += 1;
    const shift = this.#day * DAY_MS;
    const iso = (base: string) => new Date(Date.parse(base) + shift).toISOString();
    return buildEdition(
      {
        since: iso(YESTERDAY_CUTOFF),
        cutoff: iso(TODAY_CUTOFF),
        articles: this.articles.map((article) => ({ ...article, ingestedAt: iso(article.ingestedAt) })),
        createdAt: iso(BENCH_NOW),
      },
      this.renderer,
      benchSettings(),
    );
  }
}

async function main(): Promise<void> {
  const flags = parseFlags('bench/deliver.ts', flagsSchema);
  const n = flags.recipients;
  const settings = { recipients: n, concurrency: flags.concurrency, runs: flags.runs, warmup: flags.warmup };
  printHeader('send: deliverDigest through the InProcessQueue, dynalite + aws-ses-v2-local', settings);

  const readers = dueReaders(n);
  const articles = storedArticles(articlePayloads({ seed: 9, count: 40 }), (index) =>
    new Date(Date.parse(YESTERDAY_CUTOFF) + (index + 1) * 600_000).toISOString(),
  );
  const editions = new EditionsByDay(articles, new TemplateRenderer({ digestName: 'The Daily Digest' }));

  const dynamo = await startBenchDynamo();
  const ses = await startBenchSes();
  try {
    const dynamoSubscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName, benchClock);
    const dynamoEditions = new DynamoEditionStore(dynamo.doc, dynamo.tableName);
    const dynamoDeliveries = new DynamoDeliveryStore(dynamo.doc, dynamo.tableName);
    const loadStarted = performance.now();
    await forEachConcurrently(readers, LOAD_CONCURRENCY, (reader) => dynamoSubscribers.put(reader));
    const loadMs = performance.now() - loadStarted;
    const memorySubscribers = new MemorySubscriberStore(benchClock);
    for (const reader of readers) await memorySubscribers.put(reader);
    const sesMailer = new SesMailer(ses.client);
    const settingsForSend = benchSettings();

    // The batch policy's counters and deferral cost nothing here: this measures deliverDigest.
    const NO_SEND_STATS: SendStatsStore = {
      add: async () => undefined,
      get: async () => ({ sent: 0, skipped: 0, failed: 0, deferred: 0, bounced: 0, complained: 0 }),
      recordQuotaExhausted: async () => undefined,
      lastQuotaExhausted: async () => undefined,
    };
    const NO_DEFERRAL: JobDeferral = { defer: async () => undefined };
    // A digest as sent, for the raw digest-size case and the size note.
    const sample = await editions.next();
    const digestCase = (
      name: string,
      backend: { subscribers: DeliverDeps['subscribers']; editions: () => EditionStore; deliveries: () => DeliverDeps['deliveries'] },
      mailer: Mailer,
    ): BenchCase => {
      let jobs: DeliveryJob[] = [];
      let deps: DeliverDeps | undefined;
      const outcomes = new Map<QueueOutcome, number>();
      return {
        name,
        items: n,
        setup: async () => {
          const editionStore = backend.editions();
          const edition = (await editionStore.createIfAbsent(await editions.next())).edition;
          jobs = readers.map((reader) => ({ editionId: edition.id, email: reader.email }));
          // A warm sender's cache, empty at the start of each edition.
          deps = {
            editions: editionStore,
            deliveries: backend.deliveries(),
            subscribers: backend.subscribers,
            mailer,
            clock: benchClock,
            settings: settingsForSend,
            editionCache: new Map(),
          };
          outcomes.clear();
          await ses.clear();
          dynamo.requests.reset();
          ses.requests.reset();
        },
        run: async () => {
          const queue = new InProcessQueue({
            // One job a batch, flags.concurrency batches at once: the same deliveries in flight as before batches.
            deliverBatch: (messages, maxReceiveCount) => sendBatch(messages, { ...deps!, sendStats: NO_SEND_STATS, deferral: NO_DEFERRAL, maxReceiveCount }),
            batchSize: 1,
            concurrency: flags.concurrency,
            onOutcome: (_job, outcome) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1),
          });
          await queue.enqueue(jobs);
          if (outcomes.get('sent') !== n) {
            throw new Error(`${name}: expected ${n} sent, got ${JSON.stringify(Object.fromEntries(outcomes))}`);
          }
        },
        collect: () => ({
          'DynamoDB req/email': dynamo.requests.total() / n,
          'SES req/email': ses.requests.total() / n,
        }),
      };
    };

    const rawSend = (name: string, body: () => { html: string; text: string }): BenchCase => ({
      name,
      items: n,
      setup: async () => {
        await ses.clear();
        ses.requests.reset();
      },
      run: () =>
        forEachConcurrently(readers, flags.concurrency, async (reader) => {
          const { html, text } = body();
          await ses.client.send(
            new SendEmailCommand({
              FromEmailAddress: FROM,
              Destination: { ToAddresses: [reader.email] },
              Content: {
                Simple: {
                  Subject: { Data: 'Hello', Charset: 'UTF-8' },
                  Body: { Html: { Data: html, Charset: 'UTF-8' }, Text: { Data: text, Charset: 'UTF-8' } },
                },
              },
            }),
          );
        }),
      collect: () => ({ 'SES req/email': ses.requests.total() / n }),
    });

    const dynamoBackend = {
      subscribers: dynamoSubscribers,
      editions: () => dynamoEditions,
      deliveries: () => dynamoDeliveries,
    };
    const memoryEditions = new MemoryEditionStore();
    const memoryBackend = {
      subscribers: memorySubscribers,
      editions: () => memoryEditions,
      deliveries: () => new MemoryDeliveryStore(),
    };
    const baselineName = 'baseline: raw SendEmail, small body';
    const cases = [
      rawSend(baselineName, () => ({ html: '<p>Hello</p>', text: 'Hello' })),
      // The same emulator ceiling with a digest-sized body: what is left is our own cost.
      rawSend('raw SendEmail, digest-size body', () => sample),
      digestCase('deliverDigest: dynalite + SES', dynamoBackend, sesMailer),
      digestCase('split: memory stores + SES', memoryBackend, sesMailer),
      digestCase('split: dynalite + null mailer', dynamoBackend, new NullMailer()),
    ];
    const results = await measure(cases, { warmup: flags.warmup, runs: flags.runs, baseline: baselineName });
    printTable(results, 'emails');
    printNote(`loading ${formatNumber(n)} readers into dynalite took ${formatNumber(loadMs)} ms (not timed)`);
    printNote(`digest: ${formatNumber(sample.html.length / 1024)} KB html + ${formatNumber(sample.text.length / 1024)} KB text per email`);
    printNote('ratio = emails/s ÷ baseline emails/s; both emulators run in this process, so their CPU is in every figure');
    printNote('peak RSS includes the SES emulator, which holds every message of a run until cleared');
    emitJson({ bench: 'send', settings, rateUnit: 'emails', results, figures: { dynaliteLoadMs: loadMs } });
  } finally {
    await ses.stop();
    await dynamo.stop();
  }
}

runMain(main);
