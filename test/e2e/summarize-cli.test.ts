/** `npx digest summarize` as a user runs it: the real bin, argument parsing and exit code. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/local-stack.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'digest-summarize-e2e-'));
  await writeFile(
    join(dir, 'a.txt'),
    'Bridge reopens\n\nThe old bridge reopened on Monday after two years of repairs. Traffic was light. The mayor cut a ribbon.\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('digest summarize (CLI)', () => {
  it('prints a JSON line per readable file and exits 1 naming the missing one', { timeout: 120_000 }, async () => {
    const good = join(dir, 'a.txt');
    const missing = join(dir, 'nope.txt');
    const result = await runCli(['summarize', '--sentences', '1', good, missing], {});
    expect(result.code).toBe(1);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([{ file: good, sentences: ['The old bridge reopened on Monday after two years of repairs.'] }]);
    expect(result.stderr).toContain('nope.txt');
  });

  it('rejects a bad --sentences with a usage message and no stack trace', { timeout: 120_000 }, async () => {
    const result = await runCli(['summarize', '--sentences', 'many', join(dir, 'a.txt')], {});
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("option '--sentences <n>' argument 'many' is invalid");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
