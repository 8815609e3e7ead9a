import { readFileSync } from 'node:fs';
import mjml2html from 'mjml';
import { describe, expect, it } from 'vitest';
import type { Story } from '../../functions/core/types.ts';
import { InvalidViewError, MjmlRenderer } from '../../functions/adapters/mjml-renderer.ts';
import type { DigestView } from '../../functions/ports.ts';

const UNSUBSCRIBE = '__DM_n0nce42_UNSUBSCRIBE__';
const PREFERENCES = '__DM_n0nce42_PREFERENCES__';
const renderer = new MjmlRenderer({ digestName: 'The Daily Digest' });

interface SampleArticle {
  title: string;
  source: string;
  publishedAt?: string;
  body?: string;
}
const samples = (JSON.parse(readFileSync(new URL('../../examples/articles.json', import.meta.url), 'utf8')) as {
  articles: SampleArticle[];
}).articles;

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

function hrefs(html: string): string[] {
  return [...html.matchAll(/\bhref\s*=\s*"([^"]*)"/gi)].map((m) => m[1] as string);
}

describe('MjmlRenderer.renderDigest', () => {
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

    const links = hrefs(html);
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
    await expect(renderer.renderDigest(view([], { webUrl: 'javascript:alert(1)' }))).rejects.toBeInstanceOf(
      InvalidViewError,
    );
  });

  it('composes MJML that passes strict validation with zero errors', async () => {
    const source = renderer.digestMjml(view([...realisticStories(12), ...hostileStories]));
    const soft = await mjml2html(source, { validationLevel: 'soft', fonts: {} });
    expect(soft.errors).toEqual([]);
    await expect(mjml2html(source, { validationLevel: 'strict', fonts: {} })).resolves.toBeDefined();
  });

  it('stays under the 102 KB Gmail clipping limit with 12 stories', async () => {
    const { html } = await renderer.renderDigest(view(realisticStories(12)));
    expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(102 * 1024);
  });

  it('shows the digest name, date, preheader, source and UTC time of each story', async () => {
    const { html } = await renderer.renderDigest(view(realisticStories(1)));
    const first = realisticStories(1)[0] as Story;

    expect(html).toContain('The Daily Digest');
    expect(html).toContain('Thursday 26 November 2026');
    expect(html).toContain('Talks in Istanbul, and more');
    expect(html).toContain(`${first.source} · 22 Jul, 12:00 UTC`);
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
    expect(text).toContain('Evil <b>Source</b> · 26 Nov, 09:00 UTC');
    expect(text).toContain('Templ`ate · 26 Nov, 10:30 UTC');
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
    const named = new MjmlRenderer({ digestName: 'Tom & Jerry <News>' });
    const { html } = await named.renderDigest(view([]));
    expect(html).toContain('Tom &amp; Jerry &lt;News&gt;');
    expect(html).not.toContain('<News>');
  });
});

describe('MjmlRenderer.renderConfirmEmail', () => {
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
    await expect(renderer.renderConfirmEmail({ ...confirm, confirmUrl: 'javascript:alert(1)' })).rejects.toBeInstanceOf(
      InvalidViewError,
    );
  });

  it('encodes quotes in the confirm link so it cannot leave its attribute', async () => {
    const email = await renderer.renderConfirmEmail({ ...confirm, confirmUrl: 'https://digest.example.com/c?t="><script>x' });
    expect(email.html).not.toMatch(/<script/i);
  });
});
