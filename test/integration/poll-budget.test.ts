/**
 * A poll of one source ends within its budget whatever the content: hostile pages (nesting 2,000
 * and 100,000 deep) through full text, work that overruns its deadline in a worker (stopped, with
 * the main thread free meanwhile), and a poll that runs out of budget saves the source with its
 * error and backoff. Real fetcher, workers and parser against a local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedFetcher } from '../../functions/adapters/feeds/feed-fetcher.ts';
import { createFullTextFetcher } from '../../functions/adapters/feeds/full-text.ts';
import { createOffThreadRunner, offThreadFeedParser, type OffThreadRunner } from '../../functions/adapters/feeds/off-thread.ts';
import { DEFAULT_SAFE_HTTP, type SafeHttpOptions } from '../../functions/adapters/feeds/safe-http.ts';
import { addSource, FeedFetchError, type PollDeps, pollSource } from '../../functions/core/sources/index.ts';
import { FakeClock, MemoryArticleStore, MemorySourceStore, MemoryTopicCatalogue } from '../support/fakes.ts';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';

let server: FeedServer;
let runner: OffThreadRunner;
const options: SafeHttpOptions = { ...DEFAULT_SAFE_HTTP, allowPrivate: true, userAgent: 'digest-mailer-test' };

const nested = (depth: number) =>
  `<html><body>${'<div>'.repeat(depth)}${'Deep words here. '.repeat(30)}${'</div>'.repeat(depth)}</body></html>`;
const teaserItem = (n: number, path: string) =>
  `<item><title>Story ${n}</title><link>${server.url(path)}</link><guid>story-${n}</guid><description>A short teaser ${n}.</description></item>`;

function pollDeps(overrides: Partial<PollDeps> = {}): PollDeps {
  return {
    sources: new MemorySourceStore(),
    articles: new MemoryArticleStore(),
    topics: new MemoryTopicCatalogue(),
    clock: new FakeClock('2026-11-30T07:00:00.000Z'),
    fetcher: createFeedFetcher(options),
    parser: offThreadFeedParser(runner),
    fullText: createFullTextFetcher(
      options,
      async (body, contentType) => (await runner.run({ kind: 'article', body, contentType })) as string | undefined,
    ),
    random: () => 0.5,
    ...overrides,
  };
}

beforeAll(async () => {
  server = await startFeedServer();
  runner = createOffThreadRunner({ deadlineMs: 20_000 });
  // Workers load once per process (seconds from source under a busy machine); the budgets below are about the work.
  const tiny = Buffer.from('<rss version="2.0"><channel><title>warm</title></channel></rss>');
  await Promise.all([1, 2].map(() => runner.run({ kind: 'feed', body: tiny, contentType: undefined, url: 'https://x.example/' })));
  for (const depth of [2_000, 100_000]) {
    server.route(`/deep-${depth}`, (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(nested(depth));
    });
  }
  server.route('/hostile.xml', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml' });
    response.end(
      `<rss version="2.0"><channel><title>Hostile</title>${teaserItem(1, '/deep-2000')}${teaserItem(2, '/deep-100000')}</channel></rss>`,
    );
  });
}, 120_000);

afterAll(async () => {
  await runner.close();
  await server.close();
});

describe('the poll budget', () => {
  it('polls a feed whose linked pages nest 2,000 and 100,000 deep in seconds, keeping the teasers (Readability would take 43 s and overflow the stack)', async () => {
    const deps = pollDeps();
    const source = (await addSource({ url: server.url('/hostile.xml'), fullText: true }, { ...deps, sourceLimits: { maxSources: 10 } }))
      .source;
    const started = performance.now();
    const { report, failures } = await pollSource(source, deps);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(report).toMatchObject({ status: 'ok', created: 2 });
    expect(failures.map((failure) => String((failure.cause as Error).message))).toEqual([
      expect.stringContaining('more than 400 deep'),
      expect.stringContaining('more than 400 deep'),
    ]);
  }, 30_000);

  it('stops a document that overruns its deadline in its worker, while the main thread stays free', async () => {
    // 20,000 entries take feedsmith over a second even on a quiet machine (tens of seconds on a busy one);
    // a tiny feed takes milliseconds, well under the deadline, which starts once a loaded worker has the task.
    const strict = createOffThreadRunner({ deadlineMs: 400, threads: 1 });
    await strict.run({
      kind: 'feed',
      body: Buffer.from('<rss version="2.0"><channel><title>warm</title></channel></rss>'),
      contentType: undefined,
      url: 'https://x.example/',
    });
    const items = Array.from(
      { length: 20_000 },
      (_, n) => `<item><title>T ${n}</title><link>https://x.example/${n}</link><description>${'word '.repeat(30)}</description></item>`,
    ).join('');
    const big = Buffer.from(`<rss version="2.0"><channel><title>Big</title>${items}</channel></rss>`);
    let ticks = 0;
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks += 1;
    }, 10);
    try {
      const error = await strict.run({ kind: 'feed', body: big, contentType: 'application/rss+xml', url: 'https://x.example/feed' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(FeedFetchError);
      expect((error as FeedFetchError).reason).toBe('timeout');
      expect(ticks).toBeGreaterThanOrEqual(3);
      expect(longestGap).toBeLessThan(500);
      // A fresh worker takes the next task.
      const small = await strict.run({
        kind: 'feed',
        body: Buffer.from('<rss version="2.0"><channel><title>S</title></channel></rss>'),
        contentType: undefined,
        url: 'https://x.example/',
      });
      expect(small).toMatchObject({ title: 'S' });
    } finally {
      clearInterval(ticker);
      await strict.close();
    }
  }, 120_000);

  it('saves a poll that runs out of budget with its error and backoff, so the next poll moves', async () => {
    const deps = pollDeps({ parser: { parse: () => new Promise(() => undefined) }, pollBudgetMs: 300 });
    const source = (await addSource({ url: server.url('/hostile.xml') }, { ...deps, sourceLimits: { maxSources: 10 } })).source;
    const started = performance.now();
    const { report } = await pollSource(source, deps);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(report.status).toBe('error');
    expect(report.error).toContain('budget of 0.3 s');
    const saved = await deps.sources.get(source.id);
    expect(saved?.failingSince).toBe('2026-11-30T07:00:00.000Z');
    expect(Date.parse(saved!.nextPollAt!)).toBeGreaterThan(Date.parse('2026-11-30T07:00:00.000Z'));
  });
});
