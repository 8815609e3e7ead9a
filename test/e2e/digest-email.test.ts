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
import { brandFrom } from '../../functions/adapters/render/brand.ts';
import { toArticle, validateArticle } from '../../functions/core/ingest/article.ts';
import { buildEdition, personaliseEdition } from '../../functions/core/edition/edition.ts';
import type { Article } from '../../functions/core/ingest/types.ts';
import type { Edition } from '../../functions/core/edition/types.ts';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import { testSettings } from '../support/fakes.ts';
import { repoRoot } from '../support/local-stack.ts';

/** An iPhone SE: the smallest phone screen in common use. */
const PHONE = { width: 375, height: 667 };
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
    {
      since: '2026-11-25T07:00:00.000Z',
      cutoff: '2026-11-26T07:00:00.000Z',
      articles: await seedArticles(),
      createdAt: SENT_AT.toISOString(),
    },
    renderer,
    settings,
  );
  emailHtml = personaliseEdition(edition, { email: 'reader@example.com', timezone: 'Europe/Berlin' }, SENT_AT, settings).html;
  browser = await launchBrowser();
}, 120_000);

/**
 * The worst case for the first screen: a full edition whose lead has a long title, two other
 * sources, a section heading, a logo and a tagline.
 */
async function leadSummaryEdition(): Promise<string> {
  const stories = Array.from({ length: 12 }, (_, index) => ({
    ...edition.stories[index % edition.stories.length]!,
    articleId: `story-${index}`,
    title: `${index === 0 ? 'Central bank holds its main rate at 4.25% as inflation slows for a third month running' : 'Another story'} ${index}`,
    url: `https://news.example/${index}`,
    section: index % 3 === 0 ? 'Economy' : 'World',
    alsoIn:
      index === 0
        ? [
            { source: 'Financial Wire', title: 'x', url: 'https://wire.example/0' },
            { source: 'Radio One', title: 'y' },
          ]
        : [],
  }));
  const renderer = new TemplateRenderer({
    digestName: settings.digestName,
    postalAddress: '1 Example Street, Springfield',
    brand: brandFrom({
      brandColor: '#7a1f5c',
      logoUrl: 'https://cdn.example/logo.png',
      tagline: 'The news that matters, before breakfast',
    }),
  });
  const built = await buildEdition(
    { since: edition.since, cutoff: edition.cutoff, articles: [], createdAt: SENT_AT.toISOString() },
    { renderDigest: (view) => renderer.renderDigest({ ...view, stories, moreCount: 20 }) },
    settings,
  );
  return personaliseEdition(built, { email: 'reader@example.com', timezone: 'Europe/Berlin' }, SENT_AT, settings).html;
}

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
        const [scrollWidth, clientWidth] = await Promise.all([page.evaluate<number>(SCROLL_WIDTH), page.evaluate<number>(CLIENT_WIDTH)]);
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

  it("lists at most five headlines at 800 px, none at 375 px, with no in-page link, and shows times in the reader's zone", async () => {
    const wide = await show(emailHtml, DESKTOP, 'light');
    const headlines = await wide.evaluate<number>("document.querySelectorAll('.dm-headlines li').length");
    expect(headlines).toBeGreaterThan(0);
    expect(headlines).toBeLessThanOrEqual(5);
    expect(await wide.evaluate<number>('document.querySelectorAll(\'a[href^="#"]\').length')).toBe(0);
    expect(await wide.getByText('times in Europe/Berlin').count()).toBe(1);
    const phone = await show(emailHtml, PHONE, 'light');
    expect(await phone.locator('.dm-headlines').isVisible()).toBe(false);
  }, 120_000);

  it("shows the lead story's summary on the first screen of a 375 x 667 phone, light and dark", async () => {
    const leadSummary = await leadSummaryEdition();
    for (const scheme of SCHEMES) {
      const page = await show(leadSummary, PHONE, scheme);
      await page.screenshot({ path: await artifactPath(`first-screen-375x667-${scheme}.png`) });
      const box = await page.evaluate<{ top: number; lineHeight: number }>(
        "(() => { const p = document.querySelector('.dm-summary'); return { top: p.getBoundingClientRect().top, lineHeight: parseFloat(getComputedStyle(p).lineHeight) }; })()",
      );
      console.log(`lead summary at y = ${Math.round(box.top)} px of ${PHONE.height} (375 px, ${scheme})`);
      // Its first two lines, not just its top edge.
      expect(box.top + 2 * box.lineHeight).toBeLessThanOrEqual(PHONE.height);
    }
    const wide = await show(leadSummary, DESKTOP, 'light');
    await wide.screenshot({ path: await artifactPath('first-screen-800-light.png') });
    const top = await wide.evaluate<number>("document.querySelector('.dm-summary').getBoundingClientRect().top");
    console.log(`lead summary at y = ${Math.round(top)} px (800 px, light)`);
    expect(top).toBeLessThan(DESKTOP.height);
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
