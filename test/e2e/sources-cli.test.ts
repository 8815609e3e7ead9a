/**
 * The feed contract as other checks drive it: `npx digest sources add URL` (twice: exit 0 both
 * times) and `npx digest sources poll --json` against the real `npm start` stack, over the
 * example feed the repository ships, served locally; FEEDS_ALLOW_PRIVATE decides whether it may.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionalBody, type FeedServer, startFeedServer } from '../support/feed-server.ts';
import { repoRoot, runCli, startLocalStack, type LocalStack } from '../support/local-stack.ts';

let stack: LocalStack;
let feeds: FeedServer;
let feedUrl: string;

const lastLine = (stdout: string): unknown => JSON.parse(stdout.trimEnd().split('\n').at(-1)!);

beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.route('/feed.xml', conditionalBody(await readFile(join(repoRoot, 'examples/feed.xml')), 'application/rss+xml; charset=utf-8'));
  feeds.route('/broken.xml', (_request, response) => {
    response.writeHead(500);
    response.end();
  });
  feedUrl = `http://localhost:${feeds.port}/feed.xml`;
  stack = await startLocalStack();
});

afterAll(async () => {
  await Promise.allSettled([stack?.stop('SIGKILL'), feeds?.close()]);
  await Promise.allSettled([stack && rm(stack.dataDir, { recursive: true, force: true })]);
});

describe('digest sources', () => {
  it('adds a feed, and adding it again exits 0 saying it already is a source', async () => {
    const first = await runCli(['sources', 'add', feedUrl, '--topics', 'local,news'], stack.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^added [0-9a-f]{16} /);
    const again = await runCli(['sources', 'add', feedUrl], stack.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already a source');
  }, 90_000);

  it('refuses a loopback feed without FEEDS_ALLOW_PRIVATE, reporting the error and still exiting 0', async () => {
    const result = await runCli(['sources', 'poll', '--json'], { ...stack.env, FEEDS_ALLOW_PRIVATE: '' });
    expect(result.code, result.stderr).toBe(0);
    expect(lastLine(result.stdout)).toEqual({
      sources: [
        { url: feedUrl, status: 'error', created: 0, duplicate: 0, rejected: 0, error: expect.stringContaining('127.0.0.1 (loopback)') },
      ],
    });
  }, 60_000);

  it('polls every source with FEEDS_ALLOW_PRIVATE=1: the last stdout line is the JSON report; then not modified', async () => {
    await runCli(['sources', 'add', `http://localhost:${feeds.port}/broken.xml`], stack.env);
    const env = { ...stack.env, FEEDS_ALLOW_PRIVATE: '1' };
    const result = await runCli(['sources', 'poll', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    const report = lastLine(result.stdout) as { sources: Record<string, unknown>[] };
    expect(report.sources).toHaveLength(2);
    expect(report.sources).toContainEqual({ url: feedUrl, status: 'ok', created: 4, duplicate: 0, rejected: 0 });
    expect(report.sources).toContainEqual(expect.objectContaining({ status: 'error', error: expect.stringContaining('HTTP 500') }));
    for (const line of report.sources)
      expect(Object.keys(line).sort()).toEqual(expect.arrayContaining(['created', 'duplicate', 'rejected', 'status', 'url']));

    const again = await runCli(['sources', 'poll', '--json'], env);
    expect((lastLine(again.stdout) as { sources: unknown[] }).sources).toContainEqual({
      url: feedUrl,
      status: 'not-modified',
      created: 0,
      duplicate: 0,
      rejected: 0,
    });

    const status = await runCli(['status'], stack.env);
    expect(status.stdout).toMatch(/Feed sources: 2 \(active 1, failing 1, paused 0, disabled 0\)/);
  }, 180_000);
});
