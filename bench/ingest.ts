/**
 * Ingest: POST /articles batches of 100 through ingestBatch, as the handler does (JSON.parse of
 * the body, then validation, HTML reduction, canonical URL, hashing and a conditional write per
 * item). Baseline: JSON.parse of the same bodies and one sha256 per item, nothing else.
 *
 *   npm run bench:ingest -- --batches 50 --runs 7
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DynamoArticleStore } from '../functions/adapters/dynamo/article-store.ts';
import { ingestBatch, type IngestReport } from '../functions/core/ingest/ingest.ts';
import type { ArticleStore } from '../functions/core/ingest/ports.ts';
import type { Clock } from '../functions/core/shared/clock.ts';
import { countFlag, emitJson, measure, parseFlags, printHeader, printNote, printTable, runMain, type BenchCase } from './harness.ts';
import { articlePayloads, batchBodies, type ArticlePayload } from './support/articles.ts';
import { startBenchDynamo } from './support/emulators.ts';
import { MemoryArticleStore } from '../test/support/memory-stores.ts';

const BATCH_SIZE = 100;

const flagsSchema = z.object({
  batches: countFlag(20, 'batches of 100 articles per run'),
  runs: countFlag(5, 'timed runs per case'),
  warmup: countFlag(1, 'untimed runs per case first', 0),
});

const clock: Clock = { now: () => new Date('2026-11-26T06:30:00.000Z') };

/** One data set per iteration, so every run writes articles the table has not seen. */
class BatchesByIteration {
  #iteration = -1;
  #bodies: string[] = [];

  constructor(private readonly articlesPerRun: number) {}

  /** Built on first use in an iteration; call it from setup so no case pays for it on the clock. */
  bodies(iteration: number): string[] {
    if (iteration !== this.#iteration) {
      this.#iteration = iteration;
      this.#bodies = batchBodies(articlePayloads({ seed: 1000 + iteration, count: this.articlesPerRun }), BATCH_SIZE);
    }
    return this.#bodies;
  }
}

let sink = '';

function baselineBatch(body: string): void {
  const { articles } = JSON.parse(body) as { articles: ArticlePayload[] };
  for (const article of articles) {
    sink = createHash('sha256')
      .update(`${article.url ?? ''}\u0000${article.title}\u0000${article.body ?? ''}`, 'utf8')
      .digest('hex');
  }
}

async function ingestAll(bodies: readonly string[], articles: ArticleStore): Promise<IngestReport['counts']> {
  const totals = { created: 0, duplicate: 0, rejected: 0, failed: 0 };
  // One publisher request after another, each parsed from its raw body as the handler does.
  for (const body of bodies) {
    const {
      report: { counts },
    } = await ingestBatch(JSON.parse(body) as unknown, { articles, clock });
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += counts[key];
  }
  return totals;
}

function expectCounts(label: string, counts: IngestReport['counts'], expected: Partial<IngestReport['counts']>): void {
  for (const [key, value] of Object.entries(expected)) {
    if (counts[key as keyof typeof counts] !== value) {
      throw new Error(`${label}: expected ${value} ${key}, got ${JSON.stringify(counts)}`);
    }
  }
}

async function main(): Promise<void> {
  const flags = parseFlags('bench/ingest.ts', flagsSchema);
  const items = flags.batches * BATCH_SIZE;
  const settings = { batches: flags.batches, 'items/run': items, runs: flags.runs, warmup: flags.warmup };
  printHeader('ingest: ingestBatch, batches of 100 (2-5 KB bodies, 30% HTML, tracking URLs)', settings);

  const dynamo = await startBenchDynamo();
  try {
    const data = new BatchesByIteration(items);
    const dynamoStore = new DynamoArticleStore(dynamo.doc, dynamo.tableName);
    let memoryStore = new MemoryArticleStore();

    const cases: BenchCase[] = [
      {
        name: 'baseline: JSON.parse + sha256/item',
        items,
        setup: (iteration) => void data.bodies(iteration),
        run: (iteration) => data.bodies(iteration).forEach(baselineBatch),
      },
      {
        name: 'ingestBatch -> memory store',
        items,
        setup: (iteration) => {
          data.bodies(iteration);
          memoryStore = new MemoryArticleStore();
        },
        run: async (iteration) => {
          expectCounts('memory', await ingestAll(data.bodies(iteration), memoryStore), { created: items });
        },
      },
      {
        name: 'ingestBatch -> dynalite, new',
        items,
        setup: (iteration) => {
          data.bodies(iteration);
          dynamo.requests.reset();
        },
        run: async (iteration) => {
          expectCounts('dynalite new', await ingestAll(data.bodies(iteration), dynamoStore), { created: items });
        },
        collect: () => ({ 'requests/item': dynamo.requests.total() / items }),
      },
      {
        // Publishers re-send what their feed still lists: every write fails its condition.
        name: 'ingestBatch -> dynalite, re-sent',
        items,
        setup: (iteration) => {
          data.bodies(iteration);
          dynamo.requests.reset();
        },
        run: async (iteration) => {
          expectCounts('dynalite re-sent', await ingestAll(data.bodies(iteration), dynamoStore), { duplicate: items });
        },
        collect: () => ({ 'requests/item': dynamo.requests.total() / items }),
      },
    ];

    const results = await measure(cases, { warmup: flags.warmup, runs: flags.runs, baseline: cases[0]!.name });
    printTable(results, 'items');
    printNote('ratio = items/s ÷ baseline items/s in this process; dynalite runs in this process too, so its CPU is in the figure');
    if (sink.length !== 64) throw new Error('baseline produced no digest');
    emitJson({ bench: 'ingest', settings, rateUnit: 'items', results });
  } finally {
    await dynamo.stop();
  }
}

runMain(main);
