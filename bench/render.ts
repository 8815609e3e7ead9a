/**
 * Render: MjmlRenderer.renderDigest for a 12-story and a 30-story edition (warm; the first
 * render is a warm-up), and personaliseEdition, the one step paid per recipient. Baseline: a
 * plain string template of the same stories (escape + join), rendered in the same process.
 *
 *   npm run bench:render -- --runs 50 --recipients 20000
 */
import { z } from 'zod';
import { escapeHtml, safeHref } from '../functions/adapters/html.ts';
import { MjmlRenderer } from '../functions/adapters/mjml-renderer.ts';
import { buildEdition, personaliseEdition, placeholderSlots, selectStories } from '../functions/core/edition.ts';
import type { Article, Edition } from '../functions/core/types.ts';
import type { DigestView } from '../functions/ports.ts';
import {
  countFlag,
  emitJson,
  formatNumber,
  measure,
  measureCalls,
  parseFlags,
  printHeader,
  printNote,
  printTable,
  runMain,
  withRatios,
  type BenchCase,
} from './harness.ts';
import { articlePayloads, storedArticles } from './support/articles.ts';
import { BENCH_NOW, benchSettings, TODAY_CUTOFF, YESTERDAY_CUTOFF } from './support/fixtures.ts';

const flagsSchema = z.object({
  runs: countFlag(30, 'timed renders per case'),
  warmup: countFlag(1, 'untimed renders per case first', 0),
  recipients: countFlag(10_000, 'personaliseEdition calls per edition'),
});

/** Template renders per baseline run: one takes microseconds, too little to time alone. */
const BASELINE_RENDERS = 200;

/** The same content as the digest, as one would write it without MJML: escaped values joined into a table. */
function plainTemplate(view: DigestView): string {
  const stories = view.stories.map((story) => {
    const href = safeHref(story.url);
    const title = href === undefined ? escapeHtml(story.title) : `<a href="${escapeHtml(href)}">${escapeHtml(story.title)}</a>`;
    return `<tr><td><h2>${title}</h2><p class="meta">${escapeHtml(story.source)}</p><p>${escapeHtml(story.summary.join(' '))}</p></td></tr>`;
  });
  return [
    `<!doctype html><html><head><title>${escapeHtml(view.subject)}</title></head><body>`,
    `<div class="preheader">${escapeHtml(view.preheader)}</div><h1>${escapeHtml(view.dateLabel)}</h1><table>`,
    stories.join('\n'),
    `</table><p><a href="${escapeHtml(view.webUrl)}">View in browser</a> · <a href="${view.links.preferencesUrl}">Preferences</a> · <a href="${view.links.unsubscribeUrl}">Unsubscribe</a></p>`,
    '</body></html>',
  ].join('\n');
}

function digestView(articles: readonly Article[], storyCount: number): DigestView {
  const stories = selectStories(articles, storyCount);
  return {
    subject: `The Daily Digest: ${stories[0]!.title}`,
    preheader: stories[0]!.summary[0] ?? '',
    dateLabel: 'Thursday 26 November 2026',
    stories,
    webUrl: 'https://digest.example/editions/20261126T070000-20261125T070000',
    links: placeholderSlots('0123456789abcdef'),
  };
}

let sink = 0;

async function main(): Promise<void> {
  const flags = parseFlags('bench/render.ts', flagsSchema);
  const settings = { runs: flags.runs, warmup: flags.warmup, recipients: flags.recipients };
  printHeader('render: MjmlRenderer.renderDigest and personaliseEdition', settings);

  const articles = storedArticles(articlePayloads({ seed: 7, count: 60 }), (index) =>
    new Date(Date.parse(YESTERDAY_CUTOFF) + (index + 1) * 60_000).toISOString(),
  );
  const renderer = new MjmlRenderer({ digestName: 'The Daily Digest' });
  const views = new Map([12, 30].map((count) => [count, digestView(articles, count)]));

  const templateCase = (stories: number): BenchCase => ({
    name: `baseline: string template, ${stories} stories`,
    items: BASELINE_RENDERS,
    run: () => {
      const view = views.get(stories)!;
      for (let i = 0; i < BASELINE_RENDERS; i += 1) sink += plainTemplate(view).length;
    },
  });
  const mjmlCase = (stories: number): BenchCase => ({
    name: `renderDigest (mjml), ${stories} stories`,
    items: 1,
    baseline: `baseline: string template, ${stories} stories`,
    run: async () => {
      sink += (await renderer.renderDigest(views.get(stories)!)).html.length;
    },
  });
  const composeCase: BenchCase = {
    // The escaping and template filling alone, without mjml's compile: where the render time is not.
    name: 'digestMjml + digestText only, 30 stories',
    items: 1,
    baseline: 'baseline: string template, 30 stories',
    run: () => {
      const view = views.get(30)!;
      sink += renderer.digestMjml(view).length + renderer.digestText(view).length;
    },
  };
  const cases = [templateCase(12), mjmlCase(12), templateCase(30), mjmlCase(30), composeCase];
  const renders = await measure(cases, { warmup: flags.warmup, runs: flags.runs, baseline: cases[0]!.name });

  const editions = new Map<number, Edition>();
  for (const count of [12, 30]) {
    editions.set(
      count,
      await buildEdition({ since: YESTERDAY_CUTOFF, cutoff: TODAY_CUTOFF, articles, createdAt: BENCH_NOW }, renderer, benchSettings(count)),
    );
  }
  const now = new Date(BENCH_NOW);
  const personalised = [12, 30].map((count) => {
    const edition = editions.get(count)!;
    const settingsForCount = benchSettings(count);
    // Warm the code path so the first recipients do not measure compilation.
    for (let i = 0; i < 200; i += 1) personaliseEdition(edition, `warm${i}@example.com`, now, settingsForCount);
    return measureCalls(`personaliseEdition, ${count}-story edition`, flags.recipients, (index) => {
      sink += personaliseEdition(edition, `reader${index}@mail.example`, now, settingsForCount).html.length;
    });
  });
  const personaliseCases = [12, 30].map((count, index) => ({
    name: personalised[index]!.name,
    baseline: `baseline: string template, ${count} stories`,
  }));
  const results = withRatios([...renders, ...personalised], [...cases, ...personaliseCases], cases[0]!.name);

  printTable(results, 'items');
  for (const result of personalised) {
    printNote(`${result.name}: median ${formatNumber(result.medianMs * 1000)} µs, p99 ${formatNumber(result.p99Ms * 1000)} µs per recipient (runs = recipients)`);
  }
  for (const [count, edition] of editions) {
    printNote(`${count}-story edition: html ${formatNumber(edition.html.length / 1024)} KB, text ${formatNumber(edition.text.length / 1024)} KB`);
  }
  printNote('items = renders (recipients for personaliseEdition); ratio = rate ÷ the string template rate for the same number of stories');
  if (sink === 0) throw new Error('nothing was rendered');
  emitJson({
    bench: 'render',
    settings,
    rateUnit: 'items',
    results,
    figures: Object.fromEntries([...editions].map(([count, edition]) => [`htmlKb${count}`, edition.html.length / 1024])),
  });
}

runMain(main);
