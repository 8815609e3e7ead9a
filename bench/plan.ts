/**
 * Plan: planDigest('scheduled') and planDigest('now') for N confirmed readers who are all due,
 * over A articles tagged from a 20-topic catalogue: list readers, build the editions (cluster and
 * summarise the window, render each variant), enqueue one job per reader. With --topic-sets K the
 * readers hold K distinct sets of 1-3 catalogue topics (one edition variant each), and the same
 * run with no topics is measured too: figures.planCpuMs is the scheduled run's planner CPU on
 * in-memory stores, figures.topicCpuRatio its ratio to the no-topic run. Readers are generated
 * as they are listed (no array of a million), so the peak RSS is the planner's and the ledger's.
 * Against lean in-memory stores (pure CPU) and, unless --backends memory, against dynalite
 * (readers and articles written first, off the clock), which gives the cost per page of 500
 * readers. The queue only counts, so the planner alone is measured. Baseline: walking the same
 * readers and creating the job objects.
 *
 *   npm run bench:plan -- --readers 20000 --articles 2000 --topic-sets 500 --runs 3 --warmup 1 --backends memory
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
import { GeneratedReaderStore, MAX_TOPIC_SETS, readerWithTopics, TOPIC_CATALOGUE, topicSets } from './support/generated-readers.ts';
import { startBenchDynamo } from './support/emulators.ts';
import { BENCH_NOW, benchClock, benchSettings, TODAY_CUTOFF, YESTERDAY_CUTOFF } from './support/fixtures.ts';
import { MemoryArticleStore, MemoryDeliveryLedger, MemoryEditionStore } from '../test/support/memory-stores.ts';
import { CountingQueue } from './support/counting-queue.ts';

const flagsSchema = z.object({
  readers: countFlag(10_000, 'confirmed readers, all due now'),
  articles: countFlag(200, 'articles in the edition window'),
  'topic-sets': countFlag(0, `distinct sets of 1-3 topics the readers hold, at most ${MAX_TOPIC_SETS} (0: no topics)`, 0).refine(
    (count) => count <= MAX_TOPIC_SETS,
    `at most ${MAX_TOPIC_SETS}`,
  ),
  runs: countFlag(3, 'timed runs per case'),
  warmup: countFlag(1, 'untimed runs per case first', 0),
  backends: z
    .enum(['all', 'memory'])
    .default('all')
    .describe('memory: in-memory stores only, for audiences too large to load into dynalite'),
});

/** Readers per planner page past the first pages (plan-run.ts): what one page of round trips serves. */
const PLANNER_PAGE = 500;

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

/** The editions each mode builds from these readers' shared window: one per topic set. */
function editionIdsFor(mode: PlanMode, sets: readonly string[][]): string[] {
  const cutoff = planWindow(new Date(BENCH_NOW), mode).cutoff;
  return sets.length === 0 ? [editionId(YESTERDAY_CUTOFF, cutoff)] : sets.map((set) => editionId(YESTERDAY_CUTOFF, cutoff, set));
}

async function main(): Promise<void> {
  const flags = parseFlags('bench/plan.ts', flagsSchema);
  const setCount = flags['topic-sets'];
  const settings = {
    readers: flags.readers,
    articles: flags.articles,
    topicSets: setCount,
    runs: flags.runs,
    warmup: flags.warmup,
    backends: flags.backends,
  };
  printHeader('plan: planDigest over due readers, one edition per topic set, counting queue', settings);

  const sets = topicSets(setCount);
  const variants = Math.max(1, Math.min(sets.length, flags.readers));
  // Every article inside the readers' window, so each run clusters and summarises all of them.
  const windowMs = Date.parse(TODAY_CUTOFF) - Date.parse(YESTERDAY_CUTOFF);
  const articles = storedArticles(articlePayloads({ seed: 42, count: flags.articles, topics: TOPIC_CATALOGUE }), (index) =>
    new Date(Date.parse(YESTERDAY_CUTOFF) + ((index + 1) * windowMs) / (flags.articles + 1)).toISOString(),
  );
  const renderer = new TemplateRenderer({ digestName: 'The Daily Digest' });
  const planSettings = benchSettings();

  const memory = {
    articles: new MemoryArticleStore(),
    subscribers: new GeneratedReaderStore(flags.readers, sets),
    editions: new MemoryEditionStore(),
  };
  for (const article of articles) await memory.articles.putIfAbsent(article);
  const readersWithoutTopics = new GeneratedReaderStore(flags.readers, []);

  const dynamo = flags.backends === 'all' ? await startBenchDynamo() : undefined;
  try {
    const loadStarted = performance.now();
    const dynamoArticles = dynamo && new DynamoArticleStore(dynamo.doc, dynamo.tableName);
    const dynamoSubscribers = dynamo && new DynamoSubscriberStore(dynamo.doc, dynamo.tableName, benchClock);
    if (dynamoArticles && dynamoSubscribers) {
      await forEachConcurrently(articles, LOAD_CONCURRENCY, async (article) => void (await dynamoArticles.putIfAbsent(article)));
      const indexes = Array.from({ length: flags.readers }, (_, index) => index);
      await forEachConcurrently(indexes, LOAD_CONCURRENCY, (index) => dynamoSubscribers.put(readerWithTopics(index, sets)));
    }
    const loadMs = performance.now() - loadStarted;

    const queue = new CountingQueue();
    const memoryEditions = new TimedEditionStore(memory.editions);
    const dynamoEditions = dynamo && new TimedEditionStore(new DynamoEditionStore(dynamo.doc, dynamo.tableName));
    const memoryDeps: Omit<PlanDeps, 'deliveries'> = {
      ...memory,
      editions: memoryEditions,
      queue,
      renderer,
      clock: benchClock,
      settings: planSettings,
    };

    let jobs = 0;
    const baseline: BenchCase = {
      name: 'baseline: readers -> job objects',
      items: flags.readers,
      run: () => {
        const ids = editionIdsFor('scheduled', sets);
        jobs = 0;
        for (let index = 0; index < flags.readers; index++) {
          const job: DeliveryJob = { editionId: ids[index % ids.length]!, email: readerWithTopics(index, sets).email };
          if (job.email !== '') jobs += 1;
        }
      },
    };

    const planCase = (mode: PlanMode, backend: 'memory' | 'dynalite', topics: 'sets' | 'none' = 'sets'): BenchCase => {
      const editions = backend === 'memory' ? memoryEditions : dynamoEditions!;
      const deps: Omit<PlanDeps, 'deliveries'> =
        backend === 'memory'
          ? { ...memoryDeps, subscribers: topics === 'sets' ? memory.subscribers : readersWithoutTopics }
          : { ...memoryDeps, articles: dynamoArticles!, subscribers: dynamoSubscribers!, editions };
      const expected = topics === 'sets' ? variants : 1;
      return {
        name: `planDigest ${mode}, ${backend}${topics === 'none' && setCount > 0 ? ', no topics' : ''}`,
        items: flags.readers,
        setup: async () => {
          // Fresh editions every run, or the planner would find the last run's and skip the build.
          if (backend === 'memory') memory.editions.clear();
          else for (const id of editionIdsFor(mode, topics === 'sets' ? sets : [])) await dynamo!.deleteEdition(id);
          editions.reset();
          queue.reset();
          dynamo?.requests.reset();
        },
        run: async () => {
          // A fresh ledger every run, or the run would find the last run's slot-day locks. The
          // ledger is in memory for both backends: its DynamoDB cost is bench:send's to measure.
          const report = await planDigest(mode, { ...deps, deliveries: new MemoryDeliveryLedger() });
          if (report.enqueued !== flags.readers || report.editions.length !== expected || !report.editions.every((e) => e.created)) {
            throw new Error(`planDigest ${mode} on ${backend} did not plan every reader once: ${JSON.stringify(report).slice(0, 2000)}`);
          }
        },
        collect: () => ({
          'edition build ms': editions.buildMs,
          'enqueue calls': queue.calls,
          ...(backend === 'dynalite' && {
            'DynamoDB requests': dynamo!.requests.total(),
            Query: dynamo!.requests.byCommand().Query ?? 0,
          }),
        }),
      };
    };

    const cases = [
      baseline,
      planCase('scheduled', 'memory'),
      ...(setCount > 0 ? [planCase('scheduled', 'memory', 'none')] : []),
      planCase('now', 'memory'),
      ...(dynamo ? [planCase('scheduled', 'dynalite'), planCase('now', 'dynalite')] : []),
    ];
    const results = await measure(cases, { warmup: flags.warmup, runs: flags.runs, baseline: baseline.name });
    printTable(results, 'readers');
    for (const result of results.slice(1)) {
      const perReaderUs = ((result.medianMs - (result.extra['edition build ms'] ?? 0)) * 1000) / flags.readers;
      printNote(`${result.name}: ${formatNumber(perReaderUs)} µs per reader besides the edition build`);
    }
    const byName = (name: string) => results.find((result) => result.name === name);
    const scheduled = byName('planDigest scheduled, memory')!;
    const noTopics = setCount > 0 ? byName('planDigest scheduled, memory, no topics')! : scheduled;
    const figures: Record<string, number> = {
      planCpuMs: scheduled.cpuMs,
      planWallMs: scheduled.medianMs,
      planPeakRssMb: scheduled.peakRssMb,
      planCpuMsNoTopics: noTopics.cpuMs,
      topicCpuRatio: scheduled.cpuMs / noTopics.cpuMs,
      editionVariants: variants,
    };
    printNote(`${variants} edition variant(s); planner CPU with topics ÷ without: ${formatNumber(figures.topicCpuRatio)}`);
    const dynaliteScheduled = byName('planDigest scheduled, dynalite');
    if (dynaliteScheduled) {
      const pages = Math.max(1, flags.readers / PLANNER_PAGE);
      figures.dynaliteLoadMs = loadMs;
      figures.dynalitePageMs = (dynaliteScheduled.medianMs - (dynaliteScheduled.extra['edition build ms'] ?? 0)) / pages;
      printNote(
        `dynalite: ${formatNumber(figures.dynalitePageMs)} ms per page of ${PLANNER_PAGE} readers besides the edition build; ` +
          `loading ${formatNumber(flags.readers)} readers and ${flags.articles} articles took ${formatNumber(loadMs)} ms (not timed)`,
      );
    }
    printNote('edition build = first edition lookup to last stored edition: list articles, cluster, summarise, render each variant, write');
    printNote('ratio = readers/s ÷ baseline readers/s; dynalite runs in this process, so its CPU is in the figure');
    if (jobs !== flags.readers) throw new Error('baseline made no jobs');
    emitJson({ bench: 'plan', settings, rateUnit: 'readers', results, figures });
  } finally {
    await dynamo?.stop();
  }
}

runMain(main);
