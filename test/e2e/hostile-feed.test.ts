/**
 * The running `npm start` keeps answering while it polls hostile sources (issue 20): a feed whose
 * DOCTYPE holds 23 empty comments (it froze the stack for 2.5 minutes) and a full-text source
 * whose pages nest 2,000 and 100,000 deep. /health answers within 1 s throughout, and both
 * sources are polled and saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedServer, startFeedServer } from '../support/feed-server.ts';
import { runCli, startLocalStack, type LocalStack } from '../support/local-stack.ts';

let feeds: FeedServer;
let stack: LocalStack | undefined;
let restarted: LocalStack | undefined;

const VALID_RSS = (items: string) => `<rss version="2.0"><channel><title>Hostile</title>${items}</channel></rss>`;
const nested = (depth: number) =>
  `<html><body>${'<div>'.repeat(depth)}${'Deep words here. '.repeat(30)}${'</div>'.repeat(depth)}</body></html>`;

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/doctype.xml', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml' });
    response.end(`<!DOCTYPE rss [${'<!---->'.repeat(23)}${VALID_RSS('<item><title>a</title><link>https://x.example/a</link></item>')}`);
  });
  for (const depth of [2_000, 100_000]) {
    feeds.route(`/deep-${depth}`, (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(nested(depth));
    });
  }
  feeds.route('/deep.xml', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/rss+xml' });
    const item = (depth: number) =>
      `<item><title>Deep ${depth}</title><link>${feeds.url(`/deep-${depth}`)}</link><description>Teaser ${depth}.</description></item>`;
    response.end(VALID_RSS(item(2_000) + item(100_000)));
  });
  // Sources are added first, then the stack restarts over them: its poller's first run, 1 s after start, polls both.
  stack = await startLocalStack({ env: { FEEDS_ALLOW_PRIVATE: '1' } });
  expect((await runCli(['sources', 'add', feeds.url('/doctype.xml')], stack.env)).code).toBe(0);
  expect((await runCli(['sources', 'add', feeds.url('/deep.xml'), '--full-text'], stack.env)).code).toBe(0);
  await stack.stop();
  restarted = await startLocalStack({ dataDir: stack.dataDir, env: { FEEDS_ALLOW_PRIVATE: '1' } });
}, 240_000);

afterAll(async () => {
  await Promise.allSettled([stack?.stop('SIGKILL'), restarted?.stop('SIGKILL')]);
  await feeds?.close();
});

describe('npm start polling hostile sources', () => {
  it('answers /health within 1 s throughout, and saves both sources', async () => {
    const running = restarted!;
    const slowest: number[] = [];
    const deadline = performance.now() + 120_000;
    // The summary goes to stdout and each failure to stderr: two pipes, read in either order.
    const polled = () => /feed poll: 2 source\(s\)/.test(running.output()) && running.output().includes('doctype.xml:');
    while (!polled() && performance.now() < deadline) {
      const started = performance.now();
      const response = await fetch(`${running.apiUrl}/health`, { signal: AbortSignal.timeout(5_000) });
      slowest.push(performance.now() - started);
      expect(response.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(running.output()).toMatch(/feed poll: 2 source\(s\), 2 new article\(s\), 1 failed/);
    expect(running.output()).toContain('doctype.xml: not a feed');
    expect(slowest.length).toBeGreaterThan(0);
    expect(Math.max(...slowest)).toBeLessThan(1_000);
  }, 150_000);
});
