/**
 * Plan: planDigest('scheduled') and planDigest('now') for N confirmed readers who are all due,
 * over 200 articles: list readers, build the one edition (summarise 200 articles, render once),
 * enqueue one job per reader. Against lean in-memory stores (pure CPU) and against dynalite
 * (readers and articles written first, off the clock). The queue only counts, so the planner
 * alone is measured. Baseline: walking the same readers and creating the job objects.
 *
 *   npm run bench:plan -- --readers 20000 --runs 5
 */
import { z } from 'zod';
import { DynamoArticleStore } from '../functions/adapters/dynamo/article-store.ts';
import { DynamoEditionStore } from '../functions/adapters/dynamo/edition-store.ts';
import { DynamoSubscriberStore } from '../functions/adapters/dynamo/subscriber-store.ts';
import { TemplateRenderer } from '../functions/adapters/render/template-renderer.ts';
import { editionId } from '../functions/core/edition/edition.ts';
import { planDigest, planWindow, type PlanDeps, type PlanMode } from '../functions/core/planning/plan.ts';
import type { DeliveryJob } from '../functions/core/delivery/types.ts';
import type { Edition, EditionStatus } from '../functions/core/edition/types.ts';
import type { EditionContent, EditionStore } from '../functions/core/edition/ports.ts';
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
import { startBenchDynamo } from './support/emulators.ts';
import { BENCH_NOW, benchClock, benchSettings, dueReaders, TODAY_CUTOFF, YESTERDAY_CUTOFF } from './support/fixtures.ts';
import { MemoryArticleStore, MemoryDeliveryLedger, MemoryEditionStore, MemorySubscriberStore } from '../test/support/memory-stores.ts';
import { CountingQueue } from './support/counting-queue.ts';

const flagsSchema = z.object({
  readers: countFlag(10_000, 'confirmed readers, all due now'),
  articles: countFlag(200, 'articles in the edition window'),
  runs: countFlag(3, 'timed runs per case'),
  warmup: countFlag(1, 'untimed runs per case first', 0),
});

/** Writes in flight while loading readers into dynalite; off the clock. */
const LOAD_CONCURRENCY = 16;

/** Times the edition build: from the planner's first edition lookup to the stored edition. */
class TimedEditionStore implements EditionStore {
  #startedAt: number | undefined;
  buildMs = Number.NaN;

  constructor(private readonly inner: EditionStore) {}

  reset(): void {
    this.#startedAt = undefined;
    this.buildMs = Number.NaN;
  }

  get(id: string): Promise<Edition | undefined> {
    this.#startedAt ??= performance.now();
    return this.inner.get(id);
  }

  async createIfAbsent(edition: Edition): Promise<{ edition: Edition; created: boolean }> {
    const result = await this.inner.createIfAbsent(edition);
    if (this.#startedAt !== undefined) this.buildMs = performance.now() - this.#startedAt;
    return result;
  }

  setStatus(id: string, status: EditionStatus, recipients: number): Promise<void> {
    return this.inner.setStatus(id, status, recipients);
  }

  listRecent(limit: number): Promise<Edition[]> {
    return this.inner.listRecent(limit);
  }

  listCreatedSince(createdAt: string): AsyncIterable<Edition> {
    return this.inner.listCreatedSince(createdAt);
  }

  replaceContent(id: string, content: EditionContent): Promise<void> {
    return this.inner.replaceContent(id, content);
  }
}

/** The edition each mode builds from these readers' shared window. */
function editionIdFor(mode: PlanMode): string {
  return editionId(YESTERDAY_CUTOFF, planWindow(new Date(BENCH_NOW), mode).cutoff);
}

async function main(): Promise<void> {
  const flags = parseFlags('bench/plan.ts', flagsSchema);
  const settings = { readers: flags.readers, articles: flags.articles, runs: flags.runs, warmup: flags.warmup };
  printHeader('plan: planDigest over due readers, one edition, counting queue', settings);

  const readers = dueReaders(flags.readers);
  // Every article inside the readers' window, so each run summarises all of them.
  const windowMs = Date.parse(TODAY_CUTOFF) - Date.parse(YESTERDAY_CUTOFF);
  const articles = storedArticles(articlePayloads({ seed: 42, count: flags.articles }), (index) =>
    new Date(Date.parse(YESTERDAY_CUTOFF) + ((index + 1) * windowMs) / (flags.articles + 1)).toISOString(),
  );
  const renderer = new TemplateRenderer({ digestName: 'The Daily Digest' });
  const planSettings = benchSettings();

  const memory = {
    articles: new MemoryArticleStore(),
    subscribers: new MemorySubscriberStore(benchClock),
    editions: new MemoryEditionStore(),
  };
  for (const article of articles) await memory.articles.putIfAbsent(article);
  for (const reader of readers) await memory.subscribers.put(reader);

  const dynamo = await startBenchDynamo();
  try {
    const loadStarted = performance.now();
    const dynamoArticles = new DynamoArticleStore(dynamo.doc, dynamo.tableName);
    const dynamoSubscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName, benchClock);
    await forEachConcurrently(articles, LOAD_CONCURRENCY, async (article) => void (await dynamoArticles.putIfAbsent(article)));
    await forEachConcurrently(readers, LOAD_CONCURRENCY, (reader) => dynamoSubscribers.put(reader));
    const loadMs = performance.now() - loadStarted;

    const queue = new CountingQueue();
    const memoryEditions = new TimedEditionStore(memory.editions);
    const dynamoEditions = new TimedEditionStore(new DynamoEditionStore(dynamo.doc, dynamo.tableName));
    const memoryDeps: Omit<PlanDeps, 'deliveries'> = {
      ...memory,
      editions: memoryEditions,
      queue,
      renderer,
      clock: benchClock,
      settings: planSettings,
    };
    const dynamoDeps: Omit<PlanDeps, 'deliveries'> = {
      articles: dynamoArticles,
      subscribers: dynamoSubscribers,
      editions: dynamoEditions,
      queue,
      renderer,
      clock: benchClock,
      settings: planSettings,
    };

    let jobs: DeliveryJob[] = [];
    const baseline: BenchCase = {
      name: 'baseline: readers -> job objects',
      items: flags.readers,
      run: () => {
        const id = editionIdFor('scheduled');
        jobs = [];
        for (const reader of readers) jobs.push({ editionId: id, email: reader.email });
      },
    };

    const planCase = (mode: PlanMode, backend: 'memory' | 'dynalite'): BenchCase => {
      const deps = backend === 'memory' ? memoryDeps : dynamoDeps;
      const editions = backend === 'memory' ? memoryEditions : dynamoEditions;
      return {
        name: `planDigest ${mode}, ${backend}`,
        items: flags.readers,
        setup: async () => {
          // A fresh edition every run, or the planner would find the last run's and skip the build.
          if (backend === 'memory') memory.editions.clear();
          else await dynamo.deleteEdition(editionIdFor(mode));
          editions.reset();
          queue.reset();
          dynamo.requests.reset();
        },
        run: async () => {
          // A fresh ledger every run, or the run would find the last run's slot-day locks. The
          // ledger is in memory for both backends: its DynamoDB cost is bench:send's to measure.
          const report = await planDigest(mode, { ...deps, deliveries: new MemoryDeliveryLedger() });
          const [edition] = report.editions;
          if (report.enqueued !== flags.readers || report.editions.length !== 1 || !edition?.created) {
            throw new Error(`planDigest ${mode} on ${backend} did not plan every reader once: ${JSON.stringify(report)}`);
          }
        },
        collect: () => ({
          'edition build ms': editions.buildMs,
          'enqueue calls': queue.calls,
          ...(backend === 'dynalite' && {
            'DynamoDB requests': dynamo.requests.total(),
            Query: dynamo.requests.byCommand().Query ?? 0,
          }),
        }),
      };
    };

    const cases = [
      baseline,
      planCase('scheduled', 'memory'),
      planCase('now', 'memory'),
      planCase('scheduled', 'dynalite'),
      planCase('now', 'dynalite'),
    ];
    const results = await measure(cases, { warmup: flags.warmup, runs: flags.runs, baseline: baseline.name });
    printTable(results, 'readers');
    for (const result of results.slice(1)) {
      const perReaderUs = ((result.medianMs - (result.extra['edition build ms'] ?? 0)) * 1000) / flags.readers;
      printNote(`${result.name}: ${formatNumber(perReaderUs)} µs per reader besides the edition build`);
    }
    printNote(
      `loading ${formatNumber(flags.readers)} readers and ${flags.articles} articles into dynalite took ${formatNumber(loadMs)} ms (not timed)`,
    );
    printNote('edition build = first edition lookup to stored edition: list articles, summarise, render once, write');
    printNote('ratio = readers/s ÷ baseline readers/s; dynalite runs in this process, so its CPU is in the figure');
    if (jobs.length !== flags.readers) throw new Error('baseline made no jobs');
    emitJson({ bench: 'plan', settings, rateUnit: 'readers', results, figures: { dynaliteLoadMs: loadMs } });
  } finally {
    await dynamo.stop();
  }
}

runMain(main);
