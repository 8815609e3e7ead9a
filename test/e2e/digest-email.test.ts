/**
 * The seed edition (examples/articles.json) as a reader sees it: rendered once, personalised
 * for a reader in Berlin, shown in a real Chromium at phone and desktop widths, in light and
 * dark colour schemes, plus the web edition at phone width. Screenshots go to
 * test/e2e/artifacts/ for a human to look at.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editionPage } from '../../functions/adapters/render/edition-pages.ts';
import { TemplateRenderer } from '../../functions/adapters/render/template-renderer.ts';
import { toArticle, validateArticle } from '../../functions/core/ingest/article.ts';
import { buildEdition, personaliseEdition } from '../../functions/core/edition/edition.ts';
import type { Article } from '../../functions/core/ingest/types.ts';
import type { Edition } from '../../functions/core/edition/types.ts';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import { testSettings } from '../support/fakes.ts';
import { repoRoot } from '../support/local-stack.ts';

const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 800, height: 1000 };
const SCHEMES = ['light', 'dark'] as const;
const SENT_AT = new Date('2026-11-26T07:05:00.000Z');
const settings = testSettings({ maxStories: 12 });

let browser: Browser;
let edition: Edition;
let emailHtml: string;
/** Closed together at the end: Chromium from @sparticuz/chromium runs single-process, and closing one context can take it down. */
const contexts: BrowserContext[] = [];

async function seedArticles(): Promise<Article[]> {
  const batch = JSON.parse(await readFile(join(repoRoot, 'examples/articles.json'), 'utf8')) as { articles: unknown[] };
  return batch.articles.map((raw, index) => {
    const checked = validateArticle(raw, index);
    if (!checked.ok) throw new Error(`examples/articles.json item ${index} is invalid`);
    return toArticle(checked.input, '2026-11-26T06:00:00.000Z').article;
  });
}

/** As a mail client shows it: offline of our site, without scripts. */
async function show(html: string, viewport: { width: number; height: number }, scheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport, colorScheme: scheme, javaScriptEnabled: false });
  contexts.push(context);
  await context.route('**/*', (route) => route.abort());
  const page = await context.newPage();
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

// Strings, not functions: the project's TypeScript has no DOM types.
const SCROLL_WIDTH = 'document.documentElement.scrollWidth';
const CLIENT_WIDTH = 'document.documentElement.clientWidth';
const BODY_BACKGROUND = 'getComputedStyle(document.body).backgroundColor';
const TITLE_COLOUR = "getComputedStyle(document.querySelector('h3')).color";

/** Relative luminance-ish: the mean of the RGB channels, 0 (black) to 255 (white). */
function brightness(rgb: string): number {
  const channels = (rgb.match(/\d+/g) ?? []).slice(0, 3).map(Number);
  return channels.reduce((sum, value) => sum + value, 0) / channels.length;
}

beforeAll(async () => {
  const renderer = new TemplateRenderer({ digestName: settings.digestName, postalAddress: '1 Example Street, Springfield' });
  edition = await buildEdition(
    { since: '2026-11-25T07:00:00.000Z', cutoff: '2026-11-26T07:00:00.000Z', articles: await seedArticles(), createdAt: SENT_AT.toISOString() },
    renderer,
    settings,
  );
  emailHtml = personaliseEdition(edition, { email: 'reader@example.com', timezone: 'Europe/Berlin' }, SENT_AT, settings).html;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(contexts.map((context) => context.close()));
  await browser?.close();
});

describe('the seed edition in a browser', () => {
  for (const scheme of SCHEMES) {
    it(`fits a 375 px phone without sideways scrolling, and an 800 px window, in ${scheme} mode`, async () => {
      for (const [viewport, width] of [
        [PHONE, 375],
        [DESKTOP, 800],
      ] as const) {
        const page = await show(emailHtml, viewport, scheme);
        await page.screenshot({ path: await artifactPath(`seed-edition-${width}-${scheme}.png`), fullPage: true });
        const [scrollWidth, clientWidth] = await Promise.all([
          page.evaluate<number>(SCROLL_WIDTH),
          page.evaluate<number>(CLIENT_WIDTH),
        ]);
        expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
      }
    }, 120_000);
  }

  it('switches to light text on a dark background in dark mode', async () => {
    const light = await show(emailHtml, PHONE, 'light');
    const dark = await show(emailHtml, PHONE, 'dark');
    expect(brightness(await light.evaluate<string>(BODY_BACKGROUND))).toBeGreaterThan(200);
    expect(brightness(await dark.evaluate<string>(BODY_BACKGROUND))).toBeLessThan(60);
    expect(brightness(await dark.evaluate<string>(TITLE_COLOUR))).toBeGreaterThan(180);
  }, 120_000);

  it('links each headline at the top to its story, and shows times in the reader\'s zone', async () => {
    const page = await show(emailHtml, DESKTOP, 'light');
    const anchors = await page.evaluate<string[]>("[...document.querySelectorAll('ol a')].map((a) => a.getAttribute('href'))");
    expect(anchors).toHaveLength(edition.stories.length);
    for (const anchor of anchors) expect(await page.locator(`h3${anchor}`).count()).toBe(1);
    expect(await page.getByText('times in Europe/Berlin').count()).toBe(1);
  }, 120_000);

  it('keeps a merged, sectioned edition with an unbroken 120-character word inside 375 px', async () => {
    const stories = edition.stories.map((story, index) => ({
      ...story,
      url: `https://news.example/${index}`,
      section: index % 2 === 0 ? 'World' : 'Middle East',
      title: index === 0 ? `${'Unbroken'.repeat(15)} headline` : story.title,
      alsoIn: [
        { source: 'Wire Service', title: story.title, url: `https://wire.example/${index}` },
        { source: 'Radio Without Links', title: story.title },
      ],
    }));
    const renderer = new TemplateRenderer({ digestName: settings.digestName, postalAddress: '1 Example Street, Springfield' });
    const merged = await buildEdition(
      { since: edition.since, cutoff: edition.cutoff, articles: [], createdAt: SENT_AT.toISOString() },
      { renderDigest: (view) => renderer.renderDigest({ ...view, stories, moreCount: 7 }) },
      settings,
    );
    const html = personaliseEdition(merged, { email: 'reader@example.com', timezone: 'America/New_York' }, SENT_AT, settings).html;
    for (const scheme of SCHEMES) {
      const page = await show(html, PHONE, scheme);
      await page.screenshot({ path: await artifactPath(`merged-edition-375-${scheme}.png`), fullPage: true });
      expect(await page.evaluate<number>(SCROLL_WIDTH)).toBeLessThanOrEqual(await page.evaluate<number>(CLIENT_WIDTH));
      expect(await page.getByRole('link', { name: 'And 7 more stories in the web edition' }).count()).toBe(1);
      expect(await page.getByRole('link', { name: 'Read more' }).count()).toBe(stories.length);
    }
  }, 120_000);

  it('renders the web edition at 375 px without sideways scrolling', async () => {
    const page = await show(editionPage(edition, { publicUrl: settings.publicUrl, digestName: settings.digestName }), PHONE, 'light');
    await page.screenshot({ path: await artifactPath('seed-web-edition-375.png'), fullPage: true });
    expect(await page.evaluate<number>(SCROLL_WIDTH)).toBeLessThanOrEqual(await page.evaluate<number>(CLIENT_WIDTH));
    expect(await page.getByRole('link', { name: 'All editions' }).count()).toBe(1);
  }, 120_000);
});
