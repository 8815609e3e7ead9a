import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { EXTERNAL_MODULES, LAMBDA_NODE_TARGET, MAIN_FIELDS } from '../../infra/bundling.ts';
import { PROJECT_ROOT } from '../../infra/digest-function.ts';

/** Every Lambda entry point, bundled the way the stack bundles it (minus minifying). */
async function handlerEntries(): Promise<string[]> {
  const dir = join(PROJECT_ROOT, 'functions/handlers');
  return (await readdir(dir)).filter((file) => file.endsWith('.ts')).map((file) => join(dir, file));
}

/** Each handler's own bundle inputs, as the stack bundles one function per entry point. */
async function bundleInputs(entryPoints: string[]): Promise<Map<string, string[]>> {
  const result = await build({
    entryPoints,
    bundle: true,
    write: false,
    outdir: '/tmp/digest-bundle-check',
    platform: 'node',
    format: 'esm',
    target: LAMBDA_NODE_TARGET,
    metafile: true,
    mainFields: [...MAIN_FIELDS],
    external: [...EXTERNAL_MODULES],
    logLevel: 'silent',
  });
  const byHandler = new Map<string, string[]>();
  for (const output of Object.values(result.metafile.outputs)) {
    if (output.entryPoint) byHandler.set(output.entryPoint.replace(/^.*functions\/handlers\//, ''), Object.keys(output.inputs));
  }
  return byHandler;
}

const FEED_PACKAGES = /node_modules\/(iconv-lite|linkedom|feedsmith|fast-xml-parser|@mozilla\/readability|robots-parser)\//;

describe('Lambda bundles', () => {
  it('bundle the feed parsers and Readability into the feed poller only', async () => {
    const inputs = await bundleInputs(await handlerEntries());
    expect(inputs.get('sqs-poll-feeds.ts')?.some((input) => FEED_PACKAGES.test(input))).toBe(true);
    const others = [...inputs].filter(([handler]) => handler !== 'sqs-poll-feeds.ts');
    expect(others.length).toBeGreaterThan(5);
    for (const [handler, files] of others)
      expect(
        files.filter((input) => FEED_PACKAGES.test(input)),
        handler,
      ).toEqual([]);
  }, 120_000);

  it('contain no mjml: the email templates are compiled at build time', async () => {
    const inputs = [...(await bundleInputs(await handlerEntries())).values()].flat();
    expect(inputs.some((input) => input.includes('node_modules/mustache/'))).toBe(true);
    expect(inputs.filter((input) => /node_modules\/(mjml|mjml-[a-z-]+|html-minifier|htmlnano|juice)\//.test(input))).toEqual([]);
  }, 120_000);
});
