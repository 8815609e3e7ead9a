import { describe, expect, it } from 'vitest';
import {
  arrangeStories,
  buildEdition,
  editionId,
  personaliseEdition,
  placeholderNonce,
  linkPlaceholders,
  toStory,
} from '../../../../functions/core/edition/edition.ts';
import { InvalidTokenError } from '../../../../functions/core/shared/errors.ts';
import type { Settings } from '../../../../functions/core/shared/settings.ts';
import { verifyToken } from '../../../../functions/core/shared/tokens.ts';
import type { Article } from '../../../../functions/core/ingest/types.ts';
import type { Edition } from '../../../../functions/core/edition/types.ts';
import { anArticle, FakeRenderer, testSettings } from '../../../support/fakes.ts';

const SINCE = '2026-11-25T07:00:00.000Z';
const CUTOFF = '2026-11-26T07:00:00.000Z';
const NOW = new Date('2026-11-26T07:03:00.000Z');
const READER = 'reader@example.com';

async function edition(articles: Article[], settings: Settings = testSettings()): Promise<Edition> {
  return buildEdition({ since: SINCE, cutoff: CUTOFF, articles, createdAt: NOW.toISOString() }, new FakeRenderer(), settings);
}

/** Token of the first `<path>?token=` link in `content`, decoded as a browser would. */
function tokenAfter(content: string, path: string): string {
  const match = new RegExp(`${path}\\?token=([A-Za-z0-9%._-]+)`).exec(content);
  if (!match?.[1]) throw new Error(`no ${path} link in ${content}`);
  return decodeURIComponent(match[1]);
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('editionId', () => {
  it('is the cutoff then the start of the window, in compact UTC', () => {
    expect(editionId(SINCE, CUTOFF)).toBe('20261126T070000-20261125T070000');
  });

  it('tells apart windows that differ only in their start', () => {
    expect(editionId('2026-11-19T07:00:00.000Z', CUTOFF)).not.toBe(editionId(SINCE, CUTOFF));
  });

  it('is safe in a URL path', () => {
    const id = editionId('2026-11-26T06:59:00.000Z', '2026-11-26T07:31:00.000Z');
    expect(encodeURIComponent(id)).toBe(id);
  });
});

describe('arrangeStories', () => {
  it('orders stories newest first by publication time, falling back to ingest time', () => {
    const old = anArticle({ title: 'Old', publishedAt: '2025-07-22T12:00:00.000Z', ingestedAt: '2026-11-26T06:00:00.000Z' });
    const fresh = anArticle({ title: 'Fresh', publishedAt: '2026-11-26T05:00:00.000Z' });
    const undated = anArticle({ title: 'Undated', publishedAt: undefined, ingestedAt: '2026-11-25T20:00:00.000Z' });
    const middle = anArticle({ title: 'Middle', publishedAt: '2026-11-25T09:00:00.000Z' });

    expect(arrangeStories([old, undated, fresh, middle], { maxStories: 10 }).stories.map((s) => s.title)).toEqual([
      'Fresh',
      'Undated',
      'Middle',
      'Old',
    ]);
  });

  it('does not let a publishedAt in the future jump the queue', () => {
    const { stories } = arrangeStories(
      [
        anArticle({ title: 'Claims 2099', publishedAt: '2099-01-01T00:00:00.000Z', ingestedAt: '2026-11-26T01:00:00.000Z' }),
        anArticle({ title: 'Honest', publishedAt: '2026-11-26T05:00:00.000Z', ingestedAt: '2026-11-26T05:01:00.000Z' }),
      ],
      { maxStories: 10 },
    );
    expect(stories.map((s) => s.title)).toEqual(['Honest', 'Claims 2099']);
  });

  it('keeps the newest maxStories stories', () => {
    const articles = Array.from({ length: 15 }, (_, i) =>
      anArticle({ title: `Day ${String(i + 1).padStart(2, '0')}`, publishedAt: `2026-11-${String(i + 1).padStart(2, '0')}T12:00:00.000Z` }),
    );
    const { stories } = arrangeStories(articles, { maxStories: 5 });
    expect(stories.map((s) => s.title)).toEqual(['Day 15', 'Day 14', 'Day 13', 'Day 12', 'Day 11']);
  });

  it('keeps articles published long ago (the sample set is from 2025)', () => {
    const { stories } = arrangeStories([anArticle({ publishedAt: '2025-07-22T12:00:00.000Z' })], { maxStories: 10 });
    expect(stories).toHaveLength(1);
  });

  it('carries the article fields and a short summary into the story', () => {
    const article = anArticle({
      title: 'Bridge reopens',
      text: 'The old bridge reopened on Monday after two years of repairs. Traffic was light. The mayor cut a ribbon. Buses return next week. Cyclists welcomed the new lane.',
      publishedAt: '2026-11-25T09:00:00.000Z',
      topics: ['local'],
    });
    const [story] = arrangeStories([article], { maxStories: 10 }).stories;
    expect(story).toMatchObject({
      articleId: article.id,
      title: 'Bridge reopens',
      url: article.url,
      source: article.source,
      publishedAt: article.publishedAt,
      ingestedAt: article.ingestedAt,
      topics: ['local'],
    });
    expect(story?.summary.length).toBeGreaterThanOrEqual(1);
    expect(story?.summary.length).toBeLessThanOrEqual(3);
    for (const sentence of story?.summary ?? []) expect(article.text).toContain(sentence);
  });
});

describe('buildEdition', () => {
  it('renders once with placeholders and records the window', async () => {
    const renderer = new FakeRenderer();
    const articles = [
      anArticle({ title: 'Older story', publishedAt: '2026-11-25T10:00:00.000Z' }),
      anArticle({ title: 'Top story', publishedAt: '2026-11-26T06:00:00.000Z' }),
    ];
    const built = await buildEdition({ since: SINCE, cutoff: CUTOFF, articles, createdAt: NOW.toISOString() }, renderer, testSettings());

    expect(renderer.digestViews).toHaveLength(1);
    expect(built).toMatchObject({
      id: '20261126T070000-20261125T070000',
      since: SINCE,
      cutoff: CUTOFF,
      createdAt: NOW.toISOString(),
      // The From name already says which digest it is.
      subject: 'Top story',
      status: 'planned',
      recipients: 0,
    });
    expect(built.stories).toHaveLength(2);
    const slots = linkPlaceholders(built.placeholderNonce);
    expect(renderer.digestViews[0]?.links).toEqual(slots);
    expect(renderer.digestViews[0]?.webUrl).toBe('https://digest.example/editions/20261126T070000-20261125T070000');
    // ICU 72+ writes a comma after the weekday; older ICU does not.
    expect(renderer.digestViews[0]?.dateLabel).toMatch(/^Thursday,? 26 November 2026$/);
    expect(built.html).toContain(slots.unsubscribeUrl);
    expect(built.text).toContain(slots.preferencesUrl);
  });

  it('keeps the subject to 120 characters', async () => {
    const built = await edition([anArticle({ title: 'Long '.repeat(60).trim() })]);
    expect(built.subject.length).toBeLessThanOrEqual(120);
    expect(built.subject.endsWith('…')).toBe(true);
  });

  it('never cuts the subject inside an emoji', async () => {
    const built = await edition([anArticle({ title: '🎉'.repeat(200) })]);
    expect(built.subject).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(built.subject.endsWith('🎉…')).toBe(true);
  });

  it('derives the same placeholder nonce for the same edition, and a different one for another secret', async () => {
    const articles = [anArticle()];
    const first = await edition(articles);
    const again = await edition(articles);
    const otherSecret = await edition(articles, testSettings({ tokenSecret: 'another-secret-entirely-0987654321' }));
    expect(again.placeholderNonce).toBe(first.placeholderNonce);
    expect(otherSecret.placeholderNonce).not.toBe(first.placeholderNonce);
    expect(first.placeholderNonce).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('buildEdition: what the renderer is given', () => {
  it('passes per-reader time placeholders under the edition’s secret nonce, and the count of stories left out', async () => {
    const renderer = new FakeRenderer();
    const built = await buildEdition(
      { since: SINCE, cutoff: CUTOFF, articles: [anArticle()], createdAt: NOW.toISOString() },
      renderer,
      testSettings(),
    );
    const [view] = renderer.digestViews;
    expect(view?.localTimes).toEqual({
      timePrefix: `__DM_${built.placeholderNonce}_T`,
      zone: `__DM_${built.placeholderNonce}_ZONE__`,
    });
    expect(view?.moreCount).toBe(built.moreStories.length);
  });
});

describe('personaliseEdition', () => {
  it('puts the reader’s signed links into html and text, leaving no placeholder', async () => {
    const settings = testSettings();
    const built = await edition([anArticle()], settings);
    const email = personaliseEdition(built, { email: READER }, NOW, settings);

    expect(email).toMatchObject({ from: settings.mailFrom, to: READER, subject: built.subject });
    for (const content of [email.html, email.text]) {
      expect(content).not.toContain('__DM_');
      expect(verifyToken(settings.tokenSecret, tokenAfter(content, '/unsubscribe'), 'unsubscribe', NOW).email).toBe(READER);
      expect(verifyToken(settings.tokenSecret, tokenAfter(content, '/preferences'), 'preferences', NOW).email).toBe(READER);
    }
    expect(email.html).toContain('href="https://digest.example/unsubscribe?token=');
    expect(email.html).toContain('href="https://digest.example/preferences?token=');
  });

  it('escapes the links for an html attribute but not in the text part', async () => {
    const settings = testSettings({ publicUrl: 'https://digest.example/news&views' });
    const built = await edition([anArticle()], settings);
    const email = personaliseEdition(built, { email: READER }, NOW, settings);

    expect(email.html).toContain('href="https://digest.example/news&amp;views/unsubscribe?token=');
    expect(email.html).not.toContain('news&views/unsubscribe');
    expect(email.text).toContain('https://digest.example/news&views/unsubscribe?token=');
  });

  it('sets the RFC 8058 one-click unsubscribe headers with a link that unsubscribes this reader', async () => {
    const settings = testSettings();
    const email = personaliseEdition(await edition([anArticle()], settings), { email: READER }, NOW, settings);

    const header = (name: string) => email.headers.filter((h) => h.name === name).map((h) => h.value);
    const [listUnsubscribe] = header('List-Unsubscribe');
    expect(header('List-Unsubscribe')).toHaveLength(1);
    expect(listUnsubscribe).toMatch(/^<https?:\/\/[^\s<>]+\/unsubscribe\?token=[^\s<>]+>$/);
    expect(header('List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);

    const token = tokenAfter(listUnsubscribe!, '/unsubscribe');
    expect(verifyToken(settings.tokenSecret, token, 'unsubscribe', NOW)).toEqual({ email: READER });
    expect(() => verifyToken(settings.tokenSecret, token, 'confirm', NOW)).toThrow(InvalidTokenError);
  });

  it('gives each reader their own links', async () => {
    const settings = testSettings();
    const built = await edition([anArticle()], settings);
    const a = personaliseEdition(built, { email: 'a@example.com' }, NOW, settings);
    const b = personaliseEdition(built, { email: 'b@example.com' }, NOW, settings);
    expect(tokenAfter(a.text, '/unsubscribe')).not.toBe(tokenAfter(b.text, '/unsubscribe'));
    expect(verifyToken(settings.tokenSecret, tokenAfter(b.html, '/unsubscribe'), 'unsubscribe', NOW).email).toBe('b@example.com');
  });

  it('does not turn a placeholder lookalike in article text into a personal link', async () => {
    const settings = testSettings();
    const guessedUnsubscribe = '__DM_0123456789abcdef_UNSUBSCRIBE__';
    const otherSecretNonce = placeholderNonce('a-guessed-secret', editionId(SINCE, CUTOFF));
    const guessedPreferences = `__DM_${otherSecretNonce}_PREFERENCES__`;
    const built = await edition(
      [
        anArticle({
          title: `Click ${guessedUnsubscribe} now`,
          text: `Visit ${guessedPreferences} for more. Another sentence here. And a third one.`,
        }),
      ],
      settings,
    );
    const email = personaliseEdition(built, { email: READER }, NOW, settings);

    expect(email.html).toContain(guessedUnsubscribe);
    expect(email.text).toContain(guessedUnsubscribe);
    // Only the renderer's own link slots became links.
    expect(count(email.html, '/unsubscribe?token=')).toBe(count(built.html, linkPlaceholders(built.placeholderNonce).unsubscribeUrl));
    expect(count(email.html, '/preferences?token=')).toBe(count(built.html, linkPlaceholders(built.placeholderNonce).preferencesUrl));
    expect(count(email.text, '/unsubscribe?token=')).toBe(1);
    expect(count(email.subject, '?token=')).toBe(0);
  });
});

describe('toStory', () => {
  it('shows URLs and domains from article text without letting mail clients link them', () => {
    const story = toStory(
      anArticle({
        title: 'Claim your prize at evil.example now',
        source: 'Totally-Legit.com',
        text: 'Log in at https://evil.example/login to keep your account. Support: help@evil.example today.',
        url: 'https://news.example.org/story',
      }),
    );
    const shown = [story.title, story.source, ...story.summary].join(' ');
    expect(shown).not.toMatch(/https?:\/\//i);
    expect(shown).not.toMatch(/\b[a-z0-9-]+\.(example|com)\b/i);
    expect(shown).toContain('evil');
    expect(story.url).toBe('https://news.example.org/story');
  });
});
