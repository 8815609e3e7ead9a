import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../functions/core/shared/errors.ts';
import { ingestBatch, type IngestItemResult } from '../../../../functions/core/ingest/ingest.ts';
import type { Article } from '../../../../functions/core/ingest/types.ts';
import type { ArticleStore } from '../../../../functions/core/ingest/ports.ts';
import { FakeClock, MemoryArticleStore } from '../../../support/fakes.ts';

const seed = JSON.parse(readFileSync(new URL('../../../../examples/articles.json', import.meta.url), 'utf8')) as {
  articles: Record<string, unknown>[];
};

let articles: MemoryArticleStore;
let clock: FakeClock;

beforeEach(() => {
  articles = new MemoryArticleStore();
  clock = new FakeClock('2026-11-26T06:15:00.000Z');
});

const item = (n: number, overrides: Record<string, unknown> = {}) => ({
  title: `Council approves budget ${n}`,
  body: `The council approved the budget for year ${n}. Debate lasted four hours. The vote was close.`,
  source: 'Example Gazette',
  url: `https://gazette.example/news/${n}`,
  publishedAt: '2026-11-25T18:00:00.000Z',
  ...overrides,
});

const statuses = (results: IngestItemResult[]) => results.map((r) => r.status);
const idOf = (result: IngestItemResult | undefined) => (result && 'id' in result ? result.id : undefined);

async function envelopeIssues(body: unknown): Promise<string[]> {
  const error = await ingestBatch(body, { articles, clock }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((issue) => issue.field);
}

describe('ingestBatch', () => {
  it('stores the four sample articles, then reports a re-post as four duplicates', async () => {
    const { report: first } = await ingestBatch(seed, { articles, clock });

    expect(statuses(first.results)).toEqual(['created', 'created', 'created', 'created']);
    expect(first.counts).toEqual({ created: 4, duplicate: 0, rejected: 0, failed: 0 });
    expect(first.results.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    const ids = first.results.map(idOf);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(articles.all()).toHaveLength(4);
    for (const stored of articles.all()) expect(stored.ingestedAt).toBe('2026-11-26T06:15:00.000Z');

    clock.advance(3600_000);
    const { report: again } = await ingestBatch(seed, { articles, clock });

    expect(again.counts).toEqual({ created: 0, duplicate: 4, rejected: 0, failed: 0 });
    expect(again.results.map(idOf)).toEqual(ids);
    expect(articles.all()).toHaveLength(4);
  });

  it('keeps the sample article fields it stores', async () => {
    const { report } = await ingestBatch({ articles: [seed.articles[0]] }, { articles, clock });
    const stored = await articles.get(idOf(report.results[0])!);
    expect(stored).toMatchObject({
      title: seed.articles[0]?.title,
      source: 'Al Jazeera',
      publishedAt: '2025-07-22T12:00:00.000Z',
    });
    expect(stored?.text.length).toBeGreaterThan(1000);
  });

  it('rejects a javascript: url and keeps the other items, naming the field', async () => {
    const { report } = await ingestBatch(
      { articles: [item(1), item(2, { url: 'javascript:alert(document.cookie)' }), item(3)] },
      { articles, clock },
    );

    expect(statuses(report.results)).toEqual(['created', 'rejected', 'created']);
    expect(report.counts).toEqual({ created: 2, duplicate: 0, rejected: 1, failed: 0 });
    const rejected = report.results[1];
    expect(rejected?.status === 'rejected' && rejected.errors.map((e) => e.field)).toContain('articles.1.url');
    expect(
      articles
        .all()
        .map((a) => a.title)
        .sort(),
    ).toEqual(['Council approves budget 1', 'Council approves budget 3']);
  });

  it('reports every bad field of a rejected item under its own index', async () => {
    const { report } = await ingestBatch({ articles: [item(1), { body: 'No title or source here.' }] }, { articles, clock });

    const rejected = report.results[1];
    expect(rejected?.status).toBe('rejected');
    const fields = rejected?.status === 'rejected' ? rejected.errors.map((e) => e.field) : [];
    expect(fields).toEqual(expect.arrayContaining(['articles.1.title', 'articles.1.source']));
    for (const field of fields) expect(field.startsWith('articles.1')).toBe(true);
    expect(report.results[0]?.status).toBe('created');
  });

  it('counts a repeat inside one batch as a duplicate', async () => {
    const { report } = await ingestBatch({ articles: [item(7), item(7)] }, { articles, clock });
    expect(statuses(report.results)).toEqual(['created', 'duplicate']);
    expect(idOf(report.results[0])).toBe(idOf(report.results[1]));
  });

  it('treats the same story with tracking parameters as a duplicate', async () => {
    await ingestBatch({ articles: [item(8)] }, { articles, clock });
    const { report } = await ingestBatch(
      { articles: [item(8, { url: 'https://GAZETTE.example/news/8?utm_source=feed&utm_medium=rss#comments' })] },
      { articles, clock },
    );
    expect(statuses(report.results)).toEqual(['duplicate']);
  });

  it('never stores line breaks in a title, which becomes an email subject', async () => {
    const { report } = await ingestBatch({ articles: [item(9, { title: 'Breaking\r\nBcc: everyone@example.com' })] }, { articles, clock });
    for (const stored of articles.all()) expect(stored.title).not.toMatch(/[\r\n]/);
    expect(['created', 'rejected']).toContain(report.results[0]?.status);
  });

  it('cuts an over-long body and says so', async () => {
    const sentence = 'The inquiry heard evidence from witnesses for many weeks. ';
    const body = sentence.repeat(Math.ceil(450_000 / sentence.length));
    const { report } = await ingestBatch({ articles: [item(10, { body })] }, { articles, clock });

    expect(report.results[0]).toMatchObject({ status: 'created', truncated: true });
    const stored = await articles.get(idOf(report.results[0])!);
    expect(Buffer.byteLength(stored?.text ?? '', 'utf8')).toBeLessThan(400_000);
    expect(stored?.truncated).toBe(true);
  });

  it.each([
    ['no items', { articles: [] }],
    ['101 items', { articles: Array.from({ length: 101 }, (_, i) => item(i)) }],
  ])('rejects a batch with %s, naming the articles field', async (_label, body) => {
    expect(await envelopeIssues(body)).toContain('articles');
    expect(articles.all()).toHaveLength(0);
  });

  it('accepts a batch of exactly 100 items', async () => {
    const { report } = await ingestBatch({ articles: Array.from({ length: 100 }, (_, i) => item(i)) }, { articles, clock });
    expect(report.counts.created).toBe(100);
    expect(report.results.map((r) => r.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it.each([
    ['a string', 'articles'],
    ['null', null],
    ['an array', [item(1)]],
    ['an object without articles', { items: [item(1)] }],
    ['articles that are not a list', { articles: item(1) }],
  ])('rejects %s as a batch', async (_label, body) => {
    expect((await envelopeIssues(body)).length).toBeGreaterThan(0);
    expect(articles.all()).toHaveLength(0);
  });

  it('reports only the item the store failed on as failed, and stores the rest', async () => {
    const storeError = new Error('ProvisionedThroughputExceededException');
    const flaky: ArticleStore = {
      putIfAbsent: (article: Article) => (article.title.endsWith('2') ? Promise.reject(storeError) : articles.putIfAbsent(article)),
      listIngested: (since, cutoff) => articles.listIngested(since, cutoff),
      get: (id) => articles.get(id),
      withdraw: (id, at) => articles.withdraw(id, at),
      restore: (id, at) => articles.restore(id, at),
    };

    const { report, failures } = await ingestBatch({ articles: [item(1), item(2), item(3)] }, { articles: flaky, clock });

    expect(statuses(report.results)).toEqual(['created', 'failed', 'created']);
    expect(report.counts).toEqual({ created: 2, duplicate: 0, rejected: 0, failed: 1 });
    const failed = report.results[1];
    expect(failed).toMatchObject({ index: 1, status: 'failed', id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(failed?.status === 'failed' && failed.errors.map((e) => e.field)).toEqual(['articles.1']);
    expect(JSON.stringify(failed)).not.toContain('ProvisionedThroughput');
    expect(failures).toEqual([{ what: 'article write failed', cause: storeError }]);
    expect(articles.all()).toHaveLength(2);
  });

  it('still reports the stored articles when the topic catalogue write fails, and returns the error for the log', async () => {
    const catalogueError = new Error('Item size has exceeded the maximum allowed size');

    const { report, failures } = await ingestBatch(
      { articles: [{ ...item(1), topics: ['world'] }] },
      {
        articles,
        clock,
        topics: { record: () => Promise.reject(catalogueError), list: async () => [] },
      },
    );

    expect(report.counts).toEqual({ created: 1, duplicate: 0, rejected: 0, failed: 0 });
    expect(failures).toEqual([{ what: 'topic catalogue write failed', cause: catalogueError }]);
  });
});

describe('articles stored before publishers were recorded (unscoped ids)', () => {
  const legacy = (ingestedAt: string): Article => ({
    id: createHash('sha256').update('https://gazette.example/news/40', 'utf8').digest('hex'),
    title: 'Council approves budget 40',
    text: 'Stored before the upgrade.',
    source: 'Example Gazette',
    url: 'https://gazette.example/news/40',
    topics: [],
    ingestedAt,
  });

  it('a publisher that existed when one was stored gets a duplicate of it (its id), as before the upgrade', async () => {
    await articles.putIfAbsent(legacy('2026-11-20T10:00:00.000Z'));
    const publisher = { id: 'key:old', since: '2026-01-01T00:00:00.000Z' };

    const { report } = await ingestBatch({ articles: [item(40)] }, { articles, clock, publisher });

    expect(report.results[0]).toMatchObject({ status: 'duplicate', id: legacy('').id });
    expect(articles.all()).toHaveLength(1);
  });

  it('a key or source made after it was stored cannot be its author: its post is stored under its own id', async () => {
    await articles.putIfAbsent(legacy('2026-11-20T10:00:00.000Z'));
    const publisher = { id: 'source:0123456789abcdef', since: '2026-11-21T00:00:00.000Z' };

    const { report } = await ingestBatch({ articles: [item(40)] }, { articles, clock, publisher });

    expect(report.results[0]).toMatchObject({ status: 'created' });
    expect(idOf(report.results[0])).not.toBe(legacy('').id);
    expect((await articles.get(idOf(report.results[0])!))?.publisher).toBe('source:0123456789abcdef');
  });

  it('an article with a publisher never blocks another publisher', async () => {
    const first = { id: 'key:a', since: '2026-01-01T00:00:00.000Z' };
    const second = { id: 'key:b', since: '2026-01-01T00:00:00.000Z' };
    const { report: a } = await ingestBatch({ articles: [item(41)] }, { articles, clock, publisher: first });
    const { report: b } = await ingestBatch(
      { articles: [item(41, { url: 'https://GAZETTE.example/news/41?utm_campaign=x' })] },
      { articles, clock, publisher: second },
    );
    const { report: again } = await ingestBatch({ articles: [item(41)] }, { articles, clock, publisher: second });
    expect([a, b, again].map((r) => r.results[0]!.status)).toEqual(['created', 'created', 'duplicate']);
  });
});
