/**
 * Story merging and ranking at window sizes: clusterArticles over n articles, and
 * arrangeStories, the whole story step of an edition (merge, rank, summarise the shown
 * stories): its CPU is `figures.windowStoryCpuMs`. Baseline: the linear part alone, splitting
 * each article's lead into sentences. The window is synthetic news (bench/support/news-window.ts):
 * many distinct events, some reported by several sources, Zipfian vocabulary and names.
 *
 *   npm run bench:merge -- --articles 3000 --runs 5
 */
import { z } from 'zod';
import { arrangeStories } from '../functions/core/edition/edition.ts';
import { clusterArticles } from '../functions/core/stories/merge.ts';
import { splitSentences } from '../functions/core/stories/sentences.ts';
import type { Article } from '../functions/core/ingest/types.ts';
import { countFlag, emitJson, measure, parseFlags, printHeader, printNote, printTable, runMain, type BenchCase } from './harness.ts';
import { storedArticles } from './support/articles.ts';
import { newsWindow } from './support/news-window.ts';
import { HELD_OUT } from '../test/fixtures/merge-set/held-out.ts';
import { labelledPairs, nearEventPairs } from '../test/fixtures/merge-set/index.ts';
import { type MergeScore, pairLevelScore, windowLevelScore } from '../test/fixtures/merge-set/evaluate.ts';
import { TODAY_CUTOFF } from './support/fixtures.ts';

const flagsSchema = z.object({
  articles: countFlag(3000, 'articles in the window'),
  runs: countFlag(5, 'timed runs per case'),
  warmup: countFlag(1, 'untimed runs per case first', 0),
});

async function main(): Promise<void> {
  const flags = parseFlags('bench:merge', flagsSchema);
  const cutoff = Date.parse(TODAY_CUTOFF);
  const payloads = newsWindow({ seed: 7, count: flags.articles, start: cutoff - 24 * 3600_000 });
  // Each report is stored a few minutes after it was published, never after the cutoff.
  const articles: Article[] = storedArticles(payloads, (index) =>
    new Date(Math.min(cutoff, Date.parse(payloads[index]!.publishedAt!) + ((index % 30) + 1) * 60_000)).toISOString(),
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
  printNote('synthetic window: distinct events, about a third reported by 2-12 sources, Zipfian words and names.');
  const story = results.find((result) => result.name === 'arrangeStories (12 shown)')!;
  // Quality on the labelled set (test/fixtures/merge-set): the speed figures mean little without it.
  const summary = (score: MergeScore) => ({
    precision: Number(score.precision.toFixed(4)),
    recall: Number(score.recall.toFixed(4)),
    sameEventPairs: score.sameEventPairs,
    nearPairs: score.nearPairs,
    falseMerges: score.falseMerges.length,
    missed: score.missed.map((pair) => `${pair.a.event}: ${pair.a.source} ~ ${pair.b.source}`),
  });
  const pairs = summary(pairLevelScore(clusterArticles));
  const windows = summary(windowLevelScore(clusterArticles));
  const heldOut = summary(pairLevelScore(clusterArticles, HELD_OUT));
  const sameEvent = labelledPairs().filter((pair) => pair.sameEvent).length;
  printHeader('Merge quality on the labelled set', { sameEventPairs: sameEvent, nearEventPairs: nearEventPairs() });
  const rows = [
    ['each pair alone', pairs],
    ['each family as one window', windows],
    ['held out, each pair alone', heldOut],
  ] as const;
  for (const [name, score] of rows) {
    console.log(
      `${name.padEnd(26)} precision ${score.precision.toFixed(3)}  recall ${score.recall.toFixed(3)}  ` +
        `false merges ${score.falseMerges} of ${score.nearPairs} near report pairs  missed ${score.missed.length} of ${score.sameEventPairs}`,
    );
    for (const missed of score.missed) console.log(`  missed: ${missed}`);
  }
  emitJson({
    bench: 'merge',
    settings: { articles: articles.length },
    rateUnit: 'articles',
    results,
    figures: {
      windowStoryCpuMs: Number(story.cpuMs.toFixed(1)),
      windowStoryPeakRssMb: Number(story.peakRssMb.toFixed(1)),
      pairPrecision: pairs.precision,
      pairRecall: pairs.recall,
      pairFalseMerges: pairs.falseMerges,
      windowPrecision: windows.precision,
      windowRecall: windows.recall,
      windowFalseMerges: windows.falseMerges,
      heldOutPrecision: heldOut.precision,
      heldOutRecall: heldOut.recall,
      heldOutFalseMerges: heldOut.falseMerges,
    },
  });
}

runMain(main);
