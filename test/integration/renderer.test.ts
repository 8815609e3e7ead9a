import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Story } from '../../functions/core/edition/types.ts';
import { InvalidViewError, TemplateRenderer } from '../../functions/adapters/render/template-renderer.ts';
import type { DigestView } from '../../functions/core/edition/ports.ts';

const UNSUBSCRIBE = '__DM_n0nce42_UNSUBSCRIBE__';
const PREFERENCES = '__DM_n0nce42_PREFERENCES__';
const renderer = new TemplateRenderer({ digestName: 'The Daily Digest' });

interface SampleArticle {
  title: string;
  source: string;
  publishedAt?: string;
  body?: string;
}
const samples = (
  JSON.parse(readFileSync(new URL('../../examples/articles.json', import.meta.url), 'utf8')) as {
    articles: SampleArticle[];
  }
).articles;

/** Twelve realistic stories built from the sample articles: long titles, three-sentence summaries. */
function realisticStories(count: number): Story[] {
  return Array.from({ length: count }, (_, i) => {
    const sample = samples[i % samples.length] as SampleArticle;
    const sentences = (sample.body ?? '').split(/(?<=[.!?'])\s+/).slice(0, 3);
    return {
      articleId: `article-${i}`,
      title: sample.title,
      url: `https://news.example.com/${i}/${encodeURIComponent(sample.title.slice(0, 40))}?utm_campaign=x&id=${i}`,
      source: sample.source,
      publishedAt: sample.publishedAt,
      ingestedAt: '2026-11-26T09:00:00.000Z',
      topics: [],
      summary: sentences,
      alsoIn: [],
    };
  });
}

function view(stories: Story[], overrides: Partial<DigestView> = {}): DigestView {
  return {
    subject: 'Your digest for Thursday',
    preheader: 'Talks in Istanbul, and more',
    dateLabel: 'Thursday 26 November 2026',
    stories,
    webUrl: 'https://digest.example.com/editions/20261126T070000-20261125T070000',
    links: { unsubscribeUrl: UNSUBSCRIBE, preferencesUrl: PREFERENCES },
    ...overrides,
  };
}

const hostileStories: Story[] = [
  {
    articleId: 'h1',
    title: 'Breaking <script>alert("title")</script> news " onmouseover="alert(1)',
    url: 'javascript:alert(document.cookie)',
    source: 'Evil <b>Source</b>',
    publishedAt: '2026-11-26T09:00:00.000Z',
    ingestedAt: '2026-11-26T09:05:00.000Z',
    topics: [],
    summary: ['<img src=x onerror=alert(1)> Pictures of cats.', 'Click <a href="https://evil.example">here</a>.'],
    alsoIn: [],
  },
  {
    articleId: 'h2',
    title: 'Template {{footer}} and {{stories}} and {{ head }}',
    url: 'https://news.example.com/a?x=1&y="2"><script>',
    source: 'Templ`ate',
    ingestedAt: '2026-11-26T10:30:00.000Z',
    topics: [],
    summary: ['A forged link __DM_forged_UNSUBSCRIBE__ and the real-looking __DM_n0nce42_PREFERENCES_X__.'],
    alsoIn: [],
  },
  {
    articleId: 'h3',
    title: 'Data url',
    url: 'data:text/html,<script>alert(1)</script>',
    source: 'S',
    ingestedAt: '2026-11-26T10:30:00.000Z',
    topics: [],
    summary: [],
    alsoIn: [],
  },
];

function escapeForTest(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/\bhref\s*=\s*"([^"]*)"/gi)].map((m) => m[1] as string);
}

describe('TemplateRenderer.renderDigest', () => {
  it('keeps hostile article text as text: no script, no event handler, no injected link', async () => {
    const { html } = await renderer.renderDigest(view(hostileStories));

    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<b>Source/);
    // No tag anywhere carries an event-handler attribute.
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(html).toContain('Breaking &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; news');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; Pictures of cats.');
    expect(html).toContain('Templ&#96;ate');

    const links = hrefs(html).filter((href) => !/^#story-\d+$/.test(href));
    expect(links.some((href) => /^(javascript|data):/i.test(href))).toBe(false);
    expect(links).not.toContain('https://evil.example');
    // Only the one safe story URL (title + read more) and the three footer links.
    const storyHref = 'https://news.example.com/a?x=1&amp;y=%222%22%3E%3Cscript%3E';
    expect(links.sort()).toEqual([storyHref, storyHref, PREFERENCES, UNSUBSCRIBE, view([]).webUrl].sort());
  });

  it('leaves template-like article text literal instead of expanding it', async () => {
    const { html } = await renderer.renderDigest(view(hostileStories));

    expect(html).toContain('Template {{footer}} and {{stories}} and {{ head }}');
    expect(html.match(/View in browser/g)).toHaveLength(1);
  });

  it('puts the personal-link placeholders in href attributes unchanged, and never a forged one', async () => {
    const { html, text } = await renderer.renderDigest(view(hostileStories));

    expect(html.split(`href="${UNSUBSCRIBE}"`)).toHaveLength(2);
    expect(html.split(`href="${PREFERENCES}"`)).toHaveLength(2);
    expect(hrefs(html).filter((href) => href.startsWith('__DM_'))).toEqual([PREFERENCES, UNSUBSCRIBE]);
    expect(html).toContain('__DM_forged_UNSUBSCRIBE__');
    expect(text).toContain(`Unsubscribe: ${UNSUBSCRIBE}`);
    expect(text).toContain(`Preferences: ${PREFERENCES}`);
  });

  it('refuses a placeholder that escaping or mjml could alter', async () => {
    const bad = view([], { links: { unsubscribeUrl: 'https://x.example/?a=1&b=2', preferencesUrl: PREFERENCES } });
    await expect(renderer.renderDigest(bad)).rejects.toBeInstanceOf(InvalidViewError);
  });

  it('refuses a web link that is not http(s)', async () => {
    await expect(renderer.renderDigest(view([], { webUrl: 'javascript:alert(1)' }))).rejects.toBeInstanceOf(InvalidViewError);
  });

  it('stays under the 102 KB Gmail clipping limit with 30 stories, each merged from three sources', async () => {
    const stories = realisticStories(30).map((story, i) => ({
      ...story,
      section: ['World', 'Business', 'Science'][i % 3],
      alsoIn: [
        { source: 'The Other Paper', title: story.title, url: `https://other.example.com/${i}/${'x'.repeat(60)}` },
        { source: 'Wire Service', title: story.title, url: `https://wire.example.com/story/${i}?ref=digest` },
      ],
    }));
    const { html } = await renderer.renderDigest(
      view(stories, { moreCount: 12, localTimes: { timePrefix: '__DM_n0nce42_T', zone: '__DM_n0nce42_ZONE__' } }),
    );
    expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(102 * 1024);
  });

  it('shows the digest name, date, preheader, source and UTC time of each story', async () => {
    const { html } = await renderer.renderDigest(view(realisticStories(1)));
    const first = realisticStories(1)[0] as Story;

    expect(html).toContain('The Daily Digest');
    expect(html).toContain('Thursday 26 November 2026');
    expect(html).toContain('Talks in Istanbul, and more');
    expect(html).toContain(`${first.source} &middot; 22 Jul 2025, 12:00 UTC`);
    expect(html).toContain('max-width:600px');
    expect(html).toMatch(/<html[^>]*lang="en"/);
    expect(html).not.toContain('fonts.googleapis.com');
  });

  it('writes a plain-text part with every title, source line and link', async () => {
    const stories = [...realisticStories(3), ...hostileStories];
    const { text } = await renderer.renderDigest(view(stories));

    for (const story of realisticStories(3)) {
      expect(text).toContain(story.title);
      expect(text).toContain(`Read more: ${story.url}`);
    }
    expect(text).toContain('Evil <b>Source</b> · 26 Nov 2026, 09:00 UTC');
    expect(text).toContain('Templ`ate · 26 Nov 2026, 10:30 UTC');
    expect(text).not.toContain('javascript:');
    expect(text).not.toContain('data:text/html');
    expect(text).toContain(`View in browser: ${view([]).webUrl}`);
    // Prose wraps at 72 columns; only a line ending in a URL may run longer.
    expect(text.split('\n').filter((line) => line.length > 72 && !/https?:\/\/\S+$/.test(line))).toEqual([]);
  });

  it('writes the plain-text part from the view, not from the HTML', async () => {
    const { text } = await renderer.renderDigest(view(realisticStories(3)));
    expect(text).not.toMatch(/<(p|div|table|a|h2)\b|&amp;|&nbsp;/);
    expect(text).not.toContain('{{');
  });

  it('says so when there is nothing new', async () => {
    const { html, text } = await renderer.renderDigest(view([]));
    expect(html).toContain('Nothing new since your last digest.');
    expect(text).toContain('Nothing new since your last digest.');
  });

  it('escapes a digest name with markup in it', async () => {
    const named = new TemplateRenderer({ digestName: 'Tom & Jerry <News>' });
    const { html } = await named.renderDigest(view([]));
    expect(html).toContain('Tom &amp; Jerry &lt;News&gt;');
    expect(html).not.toContain('<News>');
  });
});

describe('TemplateRenderer.renderDigest: shape of the email', () => {
  const localTimes = { timePrefix: '__DM_n0nce42_T', zone: '__DM_n0nce42_ZONE__' };

  it('lists at most five headlines at the top, as text without in-page links', async () => {
    const stories = realisticStories(8).map((story, i) => ({ ...story, title: `Headline number ${i + 1}` }));
    const { html, text } = await renderer.renderDigest(view(stories));

    const start = html.indexOf('In this edition');
    const listed = html.slice(start, html.indexOf('</ul>', start));
    stories.slice(0, 5).forEach((story) => expect(listed).toContain(escapeForTest(story.title)));
    stories.slice(5).forEach((story) => expect(listed).not.toContain(escapeForTest(story.title)));
    expect(listed).not.toContain('<a ');
    expect(html).not.toMatch(/href="#/);
    expect(html).toMatch(/@media only screen and \(max-width: ?480px\) \{\s*\.dm-headlines \{ display: none !important; \}/);
    expect(text.slice(text.indexOf('IN THIS EDITION'), text.indexOf('IN THIS EDITION') + 2000)).toContain('5. ');
    expect(text).not.toContain('\n6. ');
  });

  it("groups stories under their sections in order of each section's first story, unsectioned last", async () => {
    const [a, b, c, d] = realisticStories(4) as [Story, Story, Story, Story];
    const { html, text } = await renderer.renderDigest(
      view([{ ...a, section: 'World' }, { ...b, section: 'Business' }, { ...c }, { ...d, section: 'World' }]),
    );
    const order = ['World', 'Business', 'Other news'].map((heading) => html.indexOf(`>${heading}</h2>`));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    // The second World story sits under World, before Business.
    expect(html.indexOf(escapeForTest(d.title), order[0])).toBeLessThan(order[1]!);
    expect(text).toMatch(/^WORLD$/m);
    expect(text).toMatch(/^OTHER NEWS$/m);
  });

  it('names every other source of a merged story, linking only those with an http(s) URL', async () => {
    const [story] = realisticStories(1) as [Story];
    const { html, text } = await renderer.renderDigest(
      view([
        {
          ...story,
          alsoIn: [
            { source: 'Second Paper', title: 't', url: 'https://second.example/a' },
            { source: 'Evil <i>Wire</i>', title: 't', url: 'javascript:alert(1)' },
            { source: 'No Link Radio', title: 't' },
          ],
        },
      ]),
    );
    expect(html).toContain('Also in: <a href="https://second.example/a"');
    expect(html).toContain('Evil &lt;i&gt;Wire&lt;/i&gt;');
    expect(html).not.toContain('javascript:');
    // A source without its own URL must not borrow the story's link.
    expect(html).toMatch(/, No Link Radio<\/p>/);
    expect(text).toContain('Also in: Second Paper, Evil <i>Wire</i>, No Link Radio');
  });

  it('does not link a title or "read more" when the story has no URL', async () => {
    const [story] = realisticStories(1) as [Story];
    const { html, text } = await renderer.renderDigest(view([{ ...story, url: undefined }]));
    expect(html).not.toContain('Read more');
    expect(hrefs(html).filter((href) => href.startsWith('https://news.'))).toEqual([]);
    expect(text).not.toContain('Read more');
  });

  it('says how many more stories there are and links to the web edition', async () => {
    const { html, text } = await renderer.renderDigest(view(realisticStories(2), { moreCount: 5 }));
    expect(html).toMatch(/<a href="https:\/\/digest\.example\.com\/editions\/[^"]+"[^>]*>And 5 more stories in the web edition/);
    expect(text).toContain(`And 5 more stories in the web edition: ${view([]).webUrl}`);
  });

  it('puts a per-reader placeholder where each story time and the zone name go', async () => {
    const [story] = realisticStories(1) as [Story];
    const { html, text } = await renderer.renderDigest(view([story], { localTimes }));
    const seconds = Date.parse(story.publishedAt!) / 1000;
    expect(html).toContain(`__DM_n0nce42_T${seconds}__`);
    expect(text).toContain(`__DM_n0nce42_T${seconds}__`);
    expect(html).toContain('times in __DM_n0nce42_ZONE__');
    expect(html).not.toContain('UTC</p>');
  });

  it('shows a time before 1970 in UTC rather than as a placeholder no reader could fill', async () => {
    const [story] = realisticStories(1) as [Story];
    const { text } = await renderer.renderDigest(view([{ ...story, publishedAt: '1969-07-20T20:17:00.000Z' }], { localTimes }));
    expect(text).toContain(`${story.source} · 20 Jul 1969, 20:17 UTC`);
  });

  it('refuses local-time placeholders that escaping could alter', async () => {
    await expect(renderer.renderDigest(view(realisticStories(1), { localTimes: { timePrefix: '<T', zone: 'Z' } }))).rejects.toBeInstanceOf(
      InvalidViewError,
    );
  });

  it('is dark-mode aware and shows the postal address in the footer', async () => {
    const withAddress = new TemplateRenderer({ digestName: 'The Daily Digest', postalAddress: '1 Main St <b>, Springfield' });
    const { html, text } = await withAddress.renderDigest(view(realisticStories(1)));
    expect(html).toContain('<meta name="color-scheme" content="light dark"');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toContain('1 Main St &lt;b&gt;, Springfield');
    expect(text).toContain('1 Main St <b>, Springfield');
    expect(html).toContain('because you subscribed to The Daily Digest');
    expect(html).not.toMatch(/<img/i);
  });

  it('keeps Mustache syntax in article text literal, however it is spelled', async () => {
    const [story] = realisticStories(1) as [Story];
    const hostile = '{{#sections}}x{{/sections}} {{{subject}}} {{& subject}} {{> partials/head}} {{=<% %>=}}';
    const { html, text } = await renderer.renderDigest(
      view([
        { ...story, title: hostile, source: hostile, section: hostile, summary: [hostile], alsoIn: [{ source: hostile, title: hostile }] },
      ]),
    );
    const escaped = escapeForTest(hostile);
    expect(count(html, escaped)).toBeGreaterThanOrEqual(4);
    expect(html).not.toContain('<%');
    expect(count(text.replace(/\s+/g, ' '), hostile)).toBeGreaterThanOrEqual(3);
  });
});

describe('TemplateRenderer.renderConfirmEmail', () => {
  const confirm = { confirmUrl: 'https://digest.example.com/confirm?token=abc.def&x=1', publicUrl: 'https://digest.example.com' };

  it('links the button to the confirm URL and says what to do if it was not you', async () => {
    const email = await renderer.renderConfirmEmail(confirm);

    expect(email.subject).toBe('Confirm your subscription to The Daily Digest');
    expect(hrefs(email.html)).toContain('https://digest.example.com/confirm?token=abc.def&amp;x=1');
    expect(email.html).toContain('If you did not ask for this, ignore this email');
    expect(email.text).toContain('https://digest.example.com/confirm?token=abc.def&x=1');
    expect(email.text).toContain('If you did not ask for this, ignore this email');
  });

  it('gives each reader their own link although the MJML is compiled once', async () => {
    const first = await renderer.renderConfirmEmail({ ...confirm, confirmUrl: 'https://digest.example.com/confirm?token=first' });
    const second = await renderer.renderConfirmEmail({ ...confirm, confirmUrl: 'https://digest.example.com/confirm?token=second' });

    expect(first.html).toContain('token=first');
    expect(second.html).toContain('token=second');
    expect(second.html).not.toContain('token=first');
    expect(second.html).not.toContain('__DM_');
  });

  it('refuses a confirm link that is not http(s)', async () => {
    await expect(renderer.renderConfirmEmail({ ...confirm, confirmUrl: 'javascript:alert(1)' })).rejects.toBeInstanceOf(InvalidViewError);
  });

  it('encodes quotes in the confirm link so it cannot leave its attribute', async () => {
    const email = await renderer.renderConfirmEmail({ ...confirm, confirmUrl: 'https://digest.example.com/c?t="><script>x' });
    expect(email.html).not.toMatch(/<script/i);
  });
});
