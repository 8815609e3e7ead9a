/**
 * Render: TemplateRenderer.renderDigest (the MJML-authored template, compiled at build time, filled
 * with Mustache) for a 12-story and a 30-story edition, warm; the one-off MJML compile of the
 * templates that `npm run templates` pays; and personaliseEdition, the one step paid per
 * recipient (signed links, story times in the reader's zone). Baselines in the same process: a
 * plain string template of the same stories (escape + join) for the render, and the previous
 * per-recipient method (replaceAll of the two link placeholders, no times) for personalising.
 *
 *   npm run bench:render -- --runs 50 --recipients 20000
 */
import { z } from 'zod';
import { escapeHtml, safeHref } from '../functions/adapters/render/html.ts';
import { TemplateRenderer } from '../functions/adapters/render/template-renderer.ts';
import { arrangeStories, buildEdition, personaliseEdition, linkPlaceholders } from '../functions/core/edition/edition.ts';
import { localTimePlaceholders } from '../functions/core/edition/placeholders.ts';
import type { Article } from '../functions/core/ingest/types.ts';
import type { Edition, Story } from '../functions/core/edition/types.ts';
import type { DigestView } from '../functions/core/edition/ports.ts';
import { compileEmailTemplate, EMAIL_TEMPLATES } from '../functions/build/compile-templates.ts';
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
  runs: countFlag(50, 'timed renders per case'),
  warmup: countFlag(5, 'untimed renders per case first', 0),
  compiles: countFlag(5, 'timed MJML compiles of the templates (slow: mjml itself)'),
  recipients: countFlag(10_000, 'personaliseEdition calls per edition'),
});

/** Template renders per baseline run: one takes microseconds, too little to time alone. */
const BASELINE_RENDERS = 200;
const NONCE = '0123456789abcdef';
/** Readers are spread over zones; each (zone, quarter hour) computes its time labels once. */
const READER_ZONES = ['Europe/London', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'];
const SECTIONS = ['World', 'Business', 'Science', 'Culture'];

/** The same content as the digest, as one would write it by hand: escaped values joined into a table. */
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

/** As the merge step leaves them: sections, and one other source for every other story. */
function merged(stories: Story[]): Story[] {
  return stories.map((story, index) => ({
    ...story,
    section: SECTIONS[index % SECTIONS.length],
    alsoIn: index % 2 === 0 ? [{ source: 'Wire Service', title: story.title, url: `https://wire.example/${index}` }] : [],
  }));
}

function digestView(articles: readonly Article[], storyCount: number): DigestView {
  const stories = merged(arrangeStories(articles, { maxStories: storyCount }).stories);
  return {
    subject: `The Daily Digest: ${stories[0]!.title}`,
    preheader: stories[0]!.summary[0] ?? '',
    dateLabel: 'Thursday 26 November 2026',
    stories,
    webUrl: 'https://digest.example/editions/20261126T070000-20261125T070000',
    links: linkPlaceholders(NONCE),
    moreCount: 4,
    localTimes: localTimePlaceholders(NONCE),
  };
}

/** What personaliseEdition did before story times: swap the two link placeholders in both parts. */
function replaceLinksOnly(edition: Edition, unsubscribeUrl: string, preferencesUrl: string): { html: string; text: string } {
  const slots = linkPlaceholders(edition.placeholderNonce);
  const fill = (content: string) =>
    content.replaceAll(slots.unsubscribeUrl, unsubscribeUrl).replaceAll(slots.preferencesUrl, preferencesUrl);
  return { html: fill(edition.html), text: fill(edition.text) };
}

let sink = 0;

async function main(): Promise<void> {
  const flags = parseFlags('bench/render.ts', flagsSchema);
  const settings = { ...flags };
  printHeader('render: compiled MJML template + Mustache, and personaliseEdition', settings);

  const articles = storedArticles(articlePayloads({ seed: 7, count: 60 }), (index) =>
    new Date(Date.parse(YESTERDAY_CUTOFF) + (index + 1) * 60_000).toISOString(),
  );
  const renderer = new TemplateRenderer({ digestName: 'The Daily Digest', postalAddress: '1 Example Street, Springfield' });
  const views = new Map([12, 30].map((count) => [count, digestView(articles, count)]));

  const templateCase = (stories: number): BenchCase => ({
    name: `baseline: string template, ${stories} stories`,
    items: BASELINE_RENDERS,
    run: () => {
      const view = views.get(stories)!;
      for (let i = 0; i < BASELINE_RENDERS; i += 1) sink += plainTemplate(view).length;
    },
  });
  const renderCase = (stories: number): BenchCase => ({
    name: `renderDigest (html + text), ${stories} stories`,
    items: 1,
    baseline: `baseline: string template, ${stories} stories`,
    run: async () => {
      const { html, text } = await renderer.renderDigest(views.get(stories)!);
      sink += html.length + text.length;
    },
  });
  const cases = [templateCase(12), renderCase(12), templateCase(30), renderCase(30)];
  const renders = await measure(cases, { warmup: flags.warmup, runs: flags.runs, baseline: cases[0]!.name });

  // The build step, not a run-time cost: what `npm run templates` pays once per template change.
  const compileCase: BenchCase = {
    name: `MJML compile of ${EMAIL_TEMPLATES.length} templates (build time, once)`,
    items: EMAIL_TEMPLATES.length,
    baseline: 'baseline: string template, 30 stories',
    run: async () => {
      for (const name of EMAIL_TEMPLATES) sink += (await compileEmailTemplate(name)).length;
    },
  };
  const [compiled] = await measure([compileCase], { warmup: 1, runs: flags.compiles, baseline: compileCase.name });

  const editions = new Map<number, Edition>();
  for (const count of [12, 30]) {
    const built = await buildEdition(
      { since: YESTERDAY_CUTOFF, cutoff: TODAY_CUTOFF, articles, createdAt: BENCH_NOW },
      renderer,
      benchSettings(count),
    );
    // Rendered from the merged view (sections, other sources), as an edition of merged stories is.
    const { html, text } = await renderer.renderDigest({
      ...digestView(articles, count),
      links: linkPlaceholders(built.placeholderNonce),
      localTimes: localTimePlaceholders(built.placeholderNonce),
    });
    editions.set(count, { ...built, html, text });
  }
  const now = new Date(BENCH_NOW);
  const edition30 = editions.get(30)!;
  const settings30 = benchSettings(30);
  const zoneOf = (index: number) => READER_ZONES[index % READER_ZONES.length]!;
  for (let i = 0; i < 200; i += 1) personaliseEdition(edition30, { email: `warm${i}@example.com`, timezone: zoneOf(i) }, now, settings30);
  const linksOnly = measureCalls('baseline: replaceAll of 2 link placeholders, 30 stories', flags.recipients, (index) => {
    const result = replaceLinksOnly(
      edition30,
      `https://digest.example/unsubscribe?token=${index}`,
      `https://digest.example/preferences?token=${index}`,
    );
    sink += result.html.charCodeAt(result.html.length - 1) + result.text.charCodeAt(result.text.length - 1);
  });
  const personalised = [12, 30].map((count) => {
    const edition = editions.get(count)!;
    const settingsForCount = benchSettings(count);
    for (let i = 0; i < 200; i += 1)
      personaliseEdition(edition, { email: `warm${i}@example.com`, timezone: zoneOf(i) }, now, settingsForCount);
    return measureCalls(`personaliseEdition, ${count}-story edition, ${READER_ZONES.length} zones`, flags.recipients, (index) => {
      const email = personaliseEdition(edition, { email: `reader${index}@mail.example`, timezone: zoneOf(index) }, now, settingsForCount);
      sink += email.html.length + email.text.length;
    });
  });
  // personaliseEdition returns the pieces joined lazily (a V8 rope); the SDK flattens it when it
  // serialises the request. The baseline's replaceAll returns flat strings, so this is the like-for-like figure.
  const flattened = measureCalls('personaliseEdition + flatten, 30-story edition', flags.recipients, (index) => {
    const email = personaliseEdition(edition30, { email: `flat${index}@mail.example`, timezone: zoneOf(index) }, now, settings30);
    sink += email.html.charCodeAt(email.html.length - 1) + email.text.charCodeAt(email.text.length - 1);
  });
  personalised.push(flattened);
  const personaliseCases = personalised.map((result) => ({ name: result.name, baseline: linksOnly.name }));
  const results = withRatios(
    [...renders, compiled!, linksOnly, ...personalised],
    [...cases, compileCase, { name: linksOnly.name }, ...personaliseCases],
    cases[0]!.name,
  );

  printTable(results, 'items');
  for (const result of [linksOnly, ...personalised]) {
    printNote(
      `${result.name}: median ${formatNumber(result.medianMs * 1000)} µs, p99 ${formatNumber(result.p99Ms * 1000)} µs per recipient (runs = recipients)`,
    );
  }
  for (const [count, edition] of editions) {
    printNote(
      `${count}-story edition: html ${formatNumber(Buffer.byteLength(edition.html) / 1024)} KB, text ${formatNumber(Buffer.byteLength(edition.text) / 1024)} KB`,
    );
  }
  printNote("items = renders (templates for the compile, recipients for personalising); ratio = rate ÷ its baseline's rate");
  printNote('goals: <= 50 ms per edition render, <= 0.05 ms per recipient');
  if (sink === 0) throw new Error('nothing was rendered');
  emitJson({
    bench: 'render',
    settings,
    rateUnit: 'items',
    results,
    figures: Object.fromEntries([...editions].map(([count, edition]) => [`htmlKb${count}`, Buffer.byteLength(edition.html) / 1024])),
  });
}

runMain(main);
