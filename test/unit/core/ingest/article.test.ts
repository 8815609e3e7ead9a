import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MAX_BATCH_ARTICLES,
  MAX_TEXT_BYTES,
  articleId,
  batchEnvelopeSchema,
  canonicalUrl,
  toArticle,
  truncateUtf8,
  validateArticle,
  validateBatchEnvelope,
  type ArticleInput,
} from '../../../../functions/core/ingest/article.ts';
import type { FieldIssue } from '../../../../functions/core/shared/errors.ts';
import { MAX_HTML_ELEMENTS } from '../../../../functions/core/shared/text.ts';

const seed = JSON.parse(readFileSync(new URL('../../../../examples/articles.json', import.meta.url), 'utf8')) as {
  articles: Record<string, unknown>[];
};

const INGESTED_AT = '2026-11-26T06:15:00.000Z';

const item = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  title: 'Council approves budget',
  body: 'The council approved the budget. Debate lasted four hours.',
  source: 'Example Gazette',
  url: 'https://gazette.example/news/budget',
  ...overrides,
});

/** The validated input; fails the test when validation refuses it. */
function valid(raw: unknown): ArticleInput {
  const result = validateArticle(raw, 0);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.issues)}`);
  return result.input;
}

/** The issues of a refused item; fails the test when validation accepts it. */
function issues(raw: unknown, index = 0): FieldIssue[] {
  const result = validateArticle(raw, index);
  if (result.ok) throw new Error('accepted');
  return result.issues;
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('validateArticle', () => {
  it('accepts every seed article', () => {
    for (const article of seed.articles) expect(validateArticle(article, 0).ok).toBe(true);
  });

  it('accepts an article with only a title and a source', () => {
    expect(valid({ title: 'Just a headline', source: 'Wire' })).toEqual({ title: 'Just a headline', source: 'Wire' });
  });

  it('drops unknown keys', () => {
    expect(valid(item({ isAdmin: true, __proto__: { polluted: 1 } }))).not.toHaveProperty('isAdmin');
  });

  it('refuses a title carrying a header injection, naming the field', () => {
    expect(issues(item({ title: 'Budget\r\nBcc: victim@example.com' }), 3)).toEqual([
      { field: 'articles.3.title', message: 'must not contain line breaks' },
    ]);
  });

  it('refuses a line break anywhere in the title or source, even at the end', () => {
    expect(issues(item({ title: 'Budget\n' })).map((i) => i.field)).toEqual(['articles.0.title']);
    expect(issues(item({ source: 'Gazette\rX-Evil: 1' })).map((i) => i.field)).toEqual(['articles.0.source']);
    expect(issues(item({ title: 'Budget\u2028Subject: spam' })).map((i) => i.field)).toEqual(['articles.0.title']);
  });

  it('explains a missing, empty or over-long title', () => {
    const { title: _omitted, ...untitled } = item();
    expect(issues(untitled)).toEqual([{ field: 'articles.0.title', message: 'is required' }]);
    expect(issues(item({ title: '   ' }))).toEqual([{ field: 'articles.0.title', message: 'must not be empty' }]);
    expect(issues(item({ title: 'x'.repeat(501) }))).toEqual([{ field: 'articles.0.title', message: 'must be at most 500 characters' }]);
    expect(issues(item({ title: 42 }))).toEqual([{ field: 'articles.0.title', message: 'must be a string' }]);
    expect(valid(item({ title: `  ${'x'.repeat(500)}  ` })).title).toHaveLength(500);
  });

  it('refuses a title that is only markup', () => {
    expect(issues(item({ title: '<img src=x onerror=alert(1)>' }))).toEqual([
      { field: 'articles.0.title', message: 'must contain text, not only markup' },
    ]);
  });

  it('limits the source to 200 characters', () => {
    expect(issues(item({ source: 'y'.repeat(201) }))).toEqual([{ field: 'articles.0.source', message: 'must be at most 200 characters' }]);
  });

  it.each([
    'javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'ftp://files.example/a',
    'mailto:a@b.example',
    'file:///etc/passwd',
    '//gazette.example/x',
    'not a url',
  ])('refuses %j as a url and as an image url', (url) => {
    expect(issues(item({ url, imageUrl: url }))).toEqual([
      { field: 'articles.0.url', message: 'must be an http(s) URL' },
      { field: 'articles.0.imageUrl', message: 'must be an http(s) URL' },
    ]);
  });

  it('refuses a url with credentials, which can disguise the real host', () => {
    expect(issues(item({ url: 'https://bank.example:secret@evil.example/login' }))).toEqual([
      { field: 'articles.0.url', message: 'must not contain a user name or password' },
    ]);
  });

  it('refuses a url with a line break or over 2048 characters', () => {
    expect(issues(item({ url: 'https://gazette.example/a\r\nb' }))[0]?.message).toBe('must not contain line breaks');
    expect(issues(item({ url: `https://gazette.example/${'a'.repeat(2030)}` }))[0]?.message).toBe('must be at most 2048 characters');
  });

  it('measures a url after percent-encoding, the form that is stored', () => {
    expect(issues(item({ url: `https://gazette.example/${'é'.repeat(500)}` }))).toEqual([
      { field: 'articles.0.url', message: 'must be at most 2048 characters' },
    ]);
  });

  it('keeps an http(s) url in its parsed form', () => {
    expect(valid(item({ url: ' HTTPS://Gazette.Example/a b ' })).url).toBe('https://gazette.example/a%20b');
  });

  it('normalises publishedAt with an offset, or a date alone, to UTC', () => {
    expect(valid(item({ publishedAt: '2025-07-22T14:30:00+02:00' })).publishedAt).toBe('2025-07-22T12:30:00.000Z');
    expect(valid(item({ publishedAt: '2025-07-22' })).publishedAt).toBe('2025-07-22T00:00:00.000Z');
  });

  it.each(['2025-07-22T12:00:00', 'yesterday', '22/07/2025', '2025-02-30', 'Tue, 22 Jul 2025 12:00:00 GMT'])(
    'refuses publishedAt %j',
    (publishedAt) => {
      expect(issues(item({ publishedAt })).map((i) => i.field)).toEqual(['articles.0.publishedAt']);
    },
  );

  it('lower-cases, trims and dedupes topics, keeping the first spelling for display', () => {
    expect(valid(item({ topics: ['Politics', ' politics ', 'World', 'POLITICS'] })).topics).toEqual([
      { key: 'politics', label: 'Politics' },
      { key: 'world', label: 'World' },
    ]);
  });

  it('refuses more than 10 topics, empty or long ones, and non-strings', () => {
    expect(issues(item({ topics: Array.from({ length: 11 }, (_, n) => `t${n}`) }))).toEqual([
      { field: 'articles.0.topics', message: 'must have at most 10 topics' },
    ]);
    expect(issues(item({ topics: ['ok', ' ', 'x'.repeat(41), 7] }))).toEqual([
      { field: 'articles.0.topics.1', message: 'must not be empty' },
      { field: 'articles.0.topics.2', message: 'must be at most 40 characters' },
      { field: 'articles.0.topics.3', message: 'must be a string' },
    ]);
    expect(issues(item({ topics: 'politics' }))[0]?.field).toBe('articles.0.topics');
  });

  it('accepts language tags and refuses anything else', () => {
    expect(valid(item({ language: 'pt-BR' })).language).toBe('pt-BR');
    expect(valid(item({ language: 'en' })).language).toBe('en');
    for (const language of ['e', 'english!', 'en_GB', `en-${'x'.repeat(40)}`]) {
      expect(issues(item({ language })).map((i) => i.field)).toEqual(['articles.0.language']);
    }
  });

  it('treats null optional fields as absent', () => {
    const input = valid(item({ body: null, summary: null, url: null, imageUrl: null, topics: null, language: null }));
    expect(input).toEqual({ title: 'Council approves budget', source: 'Example Gazette' });
  });

  it('refuses an item that is not an object', () => {
    for (const raw of ['text', 7, null, ['title']]) {
      expect(issues(raw, 5)).toEqual([{ field: 'articles.5', message: 'must be an object' }]);
    }
  });

  it('refuses a body nested deeper than the HTML parser handles quickly', () => {
    expect(issues(item({ body: '<b>'.repeat(300) })).map((i) => i.field)).toEqual(['articles.0.body']);
  });

  it('refuses a body or summary with more HTML elements than the converter takes, saying so', () => {
    const crowded = 'x<br>'.repeat(MAX_HTML_ELEMENTS + 1);
    expect(issues(item({ body: crowded, summary: crowded }))).toEqual([
      { field: 'articles.0.body', message: `must not contain more than ${MAX_HTML_ELEMENTS} HTML elements` },
      { field: 'articles.0.summary', message: `must not contain more than ${MAX_HTML_ELEMENTS} HTML elements` },
    ]);
    expect(valid(item({ body: 'x<br>'.repeat(MAX_HTML_ELEMENTS) })).body).toHaveLength(5 * MAX_HTML_ELEMENTS);
  });

  it('refuses a title made only of invisible characters', () => {
    expect(issues(item({ title: '\u200B\u202E\u2066\u200D' }))).toEqual([
      { field: 'articles.0.title', message: 'must contain text, not only markup' },
    ]);
  });

  it('reports every bad field of an item at once', () => {
    const fields = issues(item({ title: '', source: 3, url: 'javascript:x', publishedAt: 'soon' })).map((i) => i.field);
    expect(fields.sort()).toEqual(['articles.0.publishedAt', 'articles.0.source', 'articles.0.title', 'articles.0.url']);
  });
});

describe('batch envelope', () => {
  it(`accepts 1 to ${MAX_BATCH_ARTICLES} items of any shape, leaving them to validateArticle`, () => {
    expect(validateBatchEnvelope({ articles: [1, 'two', {}] })).toEqual({ ok: true, articles: [1, 'two', {}] });
    expect(batchEnvelopeSchema.safeParse({ articles: Array(MAX_BATCH_ARTICLES).fill({}) }).success).toBe(true);
  });

  it('refuses an empty batch, an oversized one, or a body without an articles array', () => {
    expect(validateBatchEnvelope({ articles: [] })).toEqual({
      ok: false,
      issues: [{ field: 'articles', message: 'must contain at least 1 article' }],
    });
    expect(validateBatchEnvelope({ articles: Array(MAX_BATCH_ARTICLES + 1).fill({}) })).toEqual({
      ok: false,
      issues: [{ field: 'articles', message: `must contain at most ${MAX_BATCH_ARTICLES} articles` }],
    });
    expect(validateBatchEnvelope({ items: [] })).toEqual({
      ok: false,
      issues: [{ field: 'articles', message: 'is required' }],
    });
    expect(validateBatchEnvelope([{}])).toMatchObject({ ok: false });
    expect(validateBatchEnvelope(null)).toMatchObject({ ok: false });
  });
});

describe('canonicalUrl', () => {
  it('lower-cases scheme and host, drops default port, fragment and tracking parameters, sorts the rest', () => {
    expect(canonicalUrl('HTTPS://WWW.Gazette.EXAMPLE:443/News/Story/?utm_source=x&b=2&a=1&fbclid=zz&UTM_Medium=y&gclid=g#top')).toBe(
      'https://www.gazette.example/News/Story?a=1&b=2',
    );
  });

  it.each(['mc_cid', 'mc_eid', 'ref', 'ref_src', 'igshid', 'utm_campaign', 'msclkid'])('strips %s', (param) => {
    expect(canonicalUrl(`https://gazette.example/a?${param}=x&id=7`)).toBe('https://gazette.example/a?id=7');
  });

  it('keeps the root slash, a non-default port and repeated parameters in their order', () => {
    expect(canonicalUrl('http://gazette.example:80/?ref=home')).toBe('http://gazette.example/');
    expect(canonicalUrl('http://gazette.example:8080/a/')).toBe('http://gazette.example:8080/a');
    expect(canonicalUrl('https://gazette.example/a?tag=b&id=1&tag=a')).toBe('https://gazette.example/a?id=1&tag=b&tag=a');
  });

  it('gives two tracking variants of a link the same article id', () => {
    const a = valid(item({ url: 'https://Gazette.example/news/budget/?utm_source=newsletter&utm_medium=email' }));
    const b = valid(item({ url: 'https://gazette.example/news/budget#comments', title: 'Another headline' }));
    expect(articleId(a)).toBe(articleId(b));
    expect(articleId(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(articleId(valid(item({ url: 'https://gazette.example/news/other' })))).not.toBe(articleId(a));
  });
});

describe('articleId without a url', () => {
  const noUrl = (overrides: Record<string, unknown> = {}) => valid(item({ url: undefined, ...overrides }));

  it('ignores the case and spacing of the title', () => {
    expect(articleId(noUrl({ title: '  COUNCIL   approves Budget ' }))).toBe(articleId(noUrl()));
  });

  it('differs when the source or the body differs', () => {
    expect(articleId(noUrl({ source: 'Other Gazette' }))).not.toBe(articleId(noUrl()));
    expect(articleId(noUrl({ body: 'A different body.' }))).not.toBe(articleId(noUrl()));
  });

  it('uses the summary as the text when there is no body', () => {
    expect(articleId(noUrl({ body: undefined, summary: 'The council approved the budget. Debate lasted four hours.' }))).toBe(
      articleId(noUrl()),
    );
  });

  it('gives the four seed articles four different ids', () => {
    expect(new Set(seed.articles.map((article) => articleId(valid(article)))).size).toBe(4);
  });
});

describe('toArticle', () => {
  it('reduces an HTML body to safe plain text', () => {
    const { article } = toArticle(
      valid(
        item({
          body:
            '<p>Approved <a href="javascript:alert(1)">today</a>.</p><script>alert(1)</script>' +
            '<img src=x onerror="alert(2)"><p>Debate lasted four hours.</p>',
        }),
      ),
      INGESTED_AT,
    );
    expect(article.text).toBe('Approved today.\n\nDebate lasted four hours.');
  });

  it('builds the stored record with the id, ingest time and defaults, leaving absent fields out', () => {
    const input = valid(item({ publishedAt: '2025-07-22T12:00:00Z' }));
    const { article, truncated } = toArticle(input, INGESTED_AT);
    expect(truncated).toBe(false);
    expect(article).toEqual({
      id: articleId(input),
      title: 'Council approves budget',
      text: 'The council approved the budget. Debate lasted four hours.',
      source: 'Example Gazette',
      url: 'https://gazette.example/news/budget',
      publishedAt: '2025-07-22T12:00:00.000Z',
      topics: [],
      ingestedAt: INGESTED_AT,
    });
    expect(Object.values(article)).not.toContain(undefined);
  });

  it('clamps a publishedAt more than an hour after ingest to the ingest time, and keeps one within the hour', () => {
    const clamped = toArticle(valid(item({ publishedAt: '2099-01-01T00:00:00Z' })), INGESTED_AT).article;
    expect(clamped.publishedAt).toBe(INGESTED_AT);
    const nextDay = toArticle(valid(item({ publishedAt: '2026-11-27' })), INGESTED_AT).article;
    expect(nextDay.publishedAt).toBe(INGESTED_AT);
    const skewed = toArticle(valid(item({ publishedAt: '2026-11-26T07:10:00Z' })), INGESTED_AT).article;
    expect(skewed.publishedAt).toBe('2026-11-26T07:10:00.000Z');
    const justOver = toArticle(valid(item({ publishedAt: '2026-11-26T07:15:00.001Z' })), INGESTED_AT).article;
    expect(justOver.publishedAt).toBe(INGESTED_AT);
  });

  it('decodes entities in the title and source and keeps them on one line', () => {
    const { article } = toArticle(valid(item({ title: 'Trump&#8217;s   <b>plan</b>', source: 'AT&amp;T\tWire' })), INGESTED_AT);
    expect(article.title).toBe('Trump’s plan');
    expect(article.source).toBe('AT&T Wire');
  });

  it.each(['', '   ', '\n\t ', '<p> </p>', '<img src=x>'])('uses the summary when the body %j has no text', (body) => {
    const withSummary = valid(item({ url: undefined, body, summary: '<p>The summary.</p>' }));
    const { article } = toArticle(withSummary, INGESTED_AT);
    expect(article.text).toBe('The summary.');
    expect(article.id).toBe(articleId(valid(item({ url: undefined, body: 'The summary.' }))));
  });

  it('keeps a body with text over the summary', () => {
    expect(toArticle(valid(item({ body: 'Body.', summary: 'Summary.' })), INGESTED_AT).article.text).toBe('Body.');
  });

  it('keeps emoji sequences in titles whole', () => {
    const { article } = toArticle(valid(item({ title: '👩\u200D💻 Developers vote' })), INGESTED_AT);
    expect(article.title).toBe('👩\u200D💻 Developers vote');
  });

  it('stores the title and source without bidi controls or zero-width characters', () => {
    const { article } = toArticle(
      valid(item({ title: 'Pay\u200BPal \u202Eexe.txt', source: '\u2066Example\u2069 Gazette\uFEFF' })),
      INGESTED_AT,
    );
    expect(article.title).toBe('PayPal exe.txt');
    expect(article.source).toBe('Example Gazette');
  });

  it('uses the summary when there is no body, and empty text when there is neither', () => {
    expect(toArticle(valid(item({ body: undefined, summary: '<p>Short.</p>' })), INGESTED_AT).article.text).toBe('Short.');
    expect(toArticle(valid({ title: 'Headline', source: 'Wire' }), INGESTED_AT).article.text).toBe('');
  });

  it('stores the seed articles whole', () => {
    for (const raw of seed.articles) {
      const { article, truncated } = toArticle(valid(raw), INGESTED_AT);
      expect(truncated).toBe(false);
      expect(article.title).toBe(raw.title);
      expect(article.text.length).toBeGreaterThan(4000);
    }
  });

  it('keeps a 100 KB body whole', () => {
    const body = 'The council met again today. '.repeat(3500);
    expect(utf8Bytes(body)).toBeGreaterThan(100_000);
    const { article, truncated } = toArticle(valid(item({ body })), INGESTED_AT);
    expect(truncated).toBe(false);
    expect(article.text).toBe(body.trim());
    expect(article).not.toHaveProperty('truncated');
  });

  it('cuts a 500 KB body at a sentence end, flags it, and keeps the item under 400 KB', () => {
    const body = 'Zoë said the café’s naïve plan costs €5bn. '.repeat(11_000);
    expect(utf8Bytes(body)).toBeGreaterThan(500_000);
    const input = valid(item({ body }));
    const { article, truncated } = toArticle(input, INGESTED_AT);
    expect(truncated).toBe(true);
    expect(article.truncated).toBe(true);
    expect(utf8Bytes(article.text)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(utf8Bytes(article.text)).toBeGreaterThan(MAX_TEXT_BYTES - 2_000);
    expect(article.text.endsWith('€5bn.')).toBe(true);
    expect(body.startsWith(article.text)).toBe(true);
    expect(utf8Bytes(JSON.stringify(article))).toBeLessThan(400 * 1024);
    // The id comes from the full text, so the same story re-sent still matches.
    expect(article.id).toBe(articleId(input));
  });
});

describe('truncateUtf8', () => {
  it('returns text within the limit unchanged', () => {
    expect(truncateUtf8('short text', 100)).toBe('short text');
  });

  it('never splits a multi-byte character or a surrogate pair', () => {
    const emoji = '🎉'.repeat(1000);
    for (const limit of [1, 2, 3, 5, 6, 7, 401, 1999]) {
      const cut = truncateUtf8(emoji, limit);
      expect(utf8Bytes(cut)).toBeLessThanOrEqual(limit);
      expect(cut).not.toContain('\uFFFD');
      expect(emoji.startsWith(cut)).toBe(true);
      expect(cut.length % 2).toBe(0);
    }
    expect(truncateUtf8('ééé', 5)).toBe('éé');
  });

  it('cuts at a word boundary when no sentence ends near the limit', () => {
    const text = 'word '.repeat(1000);
    const cut = truncateUtf8(text, 1002);
    expect(cut).toBe('word '.repeat(200).trim());
  });
});
