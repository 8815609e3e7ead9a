/**
 * The worker threads of the feed poller work in the bundled form the Lambda runs: the bundle
 * (built with the stack's esbuild settings) is the worker's own script, with no second entry.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { lambdaEsbuildOptions } from '../../infra/bundling.ts';
import { repoRoot } from '../support/local-stack.ts';

describe('the off-thread feed parser, bundled', () => {
  it('parses a feed in a worker started from the bundle itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'digest-worker-bundle-'));
    try {
      const outfile = join(dir, 'index.mjs');
      await build({ ...lambdaEsbuildOptions(join(repoRoot, 'test/support/off-thread-probe.ts'), outfile), logLevel: 'silent' });
      const bundled = (await import(pathToFileURL(outfile).href)) as { parseInBundledWorker(xml: string): Promise<unknown> };
      await expect(
        bundled.parseInBundledWorker('<rss version="2.0"><channel><title>From the bundle</title></channel></rss>'),
      ).resolves.toMatchObject({
        format: 'rss',
        title: 'From the bundle',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
