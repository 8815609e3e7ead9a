/**
 * Story merging and ranking at window sizes: clusterArticles over n articles (every article
 * compared with the primaries it shares a term with: O(n²) at worst), and arrangeStories, the
 * whole story step of an edition (merge, rank, summarise the shown stories). Baseline: the
 * linear part alone, splitting each article's lead into sentences.
 *
 *   npm run bench:merge -- --articles 3000 --runs 5
 */
import { z } from 'zod';
import { arrangeStories } from '../functions/core/edition/edition.ts';
import { clusterArticles } from '../functions/core/stories/merge.ts';
import { splitSentences } from '../functions/core/stories/sentences.ts';
import type { Article } from '../functions/core/ingest/types.ts';
import {
  countFlag,
  emitJson,
  measure,
  parseFlags,
  printHeader,
  printNote,
  printTable,
  runMain,
  type BenchCase,
} from './harness.ts';
import { articlePayloads, storedArticles } from './support/articles.ts';
import { TODAY_CUTOFF } from './support/fixtures.ts';

const flagsSchema = z.object({
  articles: countFlag(3000, 'articles in the window'),
  runs: countFlag(5, 'timed runs per case'),
  warmup: countFlag(1, 'untimed runs per case first', 0),
});

async function main(): Promise<void> {
  const flags = parseFlags('bench:merge', flagsSchema);
  const articles: Article[] = storedArticles(
    articlePayloads({ seed: 7, count: flags.articles }),
    (index) => new Date(Date.parse(TODAY_CUTOFF) - (index % 1440) * 60_000).toISOString(),
  );
  printHeader('Story merging and ranking', { articles: articles.length, runs: flags.runs, warmup: flags.warmup });
  let clusters = 0;
  const cases: BenchCase[] = [
    {
      name: 'baseline: split leads',
      items: articles.length,
      run: () => {
        for (const article of articles) splitSentences(article.text.slice(0, 2000));
      },
    },
    {
      name: 'clusterArticles',
      items: articles.length,
      run: () => {
        clusters = clusterArticles(articles).length;
      },
      collect: () => ({ stories: clusters }),
    },
    {
      name: 'arrangeStories (12 shown)',
      items: articles.length,
      run: () => {
        arrangeStories(articles, { maxStories: 12, cutoff: TODAY_CUTOFF, topics: ['politics'] });
      },
    },
  ];
  const results = await measure(cases, { warmup: flags.warmup, runs: flags.runs, baseline: 'baseline: split leads' });
  printTable(results, 'articles');
  printNote('synthetic articles mix sentences of the four seed stories, so many leads overlap: a hard case for merging.');
  emitJson({ bench: 'merge', settings: { articles: articles.length }, rateUnit: 'articles', results });
}

runMain(main);
