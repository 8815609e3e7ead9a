import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summariseFiles } from '../../../functions/cli/summarize.ts';

let dir: string;
const ARTICLE = [
  'Council approves school budget',
  '',
  'The council approved the school budget on Monday. Teachers welcomed the extra money for classrooms.',
  '',
  'Road repairs will start in the spring. Critics said the rise was too small.',
].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'digest-summarize-'));
  await writeFile(join(dir, 'article.txt'), ARTICLE);
  await writeFile(join(dir, 'title-only.txt'), 'JUST A HEADLINE\n');
  await writeFile(join(dir, 'binary.bin'), Buffer.from([0x54, 0x00, 0x01]));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(files: string[], options = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await summariseFiles(files, options, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.map((line) => JSON.parse(line) as { file: string; sentences: string[] }), err };
}

describe('digest summarize', () => {
  it('prints one JSON line per file with the summary sentences, title excluded', async () => {
    const file = join(dir, 'article.txt');
    const { code, out, err } = await run([file], { sentences: 2 });
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]?.file).toBe(file);
    expect(out[0]?.sentences).toHaveLength(2);
    expect(out[0]?.sentences[0]).toBe('The council approved the school budget on Monday.');
    for (const sentence of out[0]?.sentences ?? []) expect(ARTICLE).toContain(sentence);
  });

  it('reports a missing or binary file on stderr with exit code 1, and still prints the others', async () => {
    const good = join(dir, 'article.txt');
    const missing = join(dir, 'missing.txt');
    const binary = join(dir, 'binary.bin');
    const { code, out, err } = await run([missing, good, binary]);
    expect(code).toBe(1);
    expect(out.map((line) => line.file)).toEqual([good]);
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(/missing\.txt: cannot read/);
    expect(err[1]).toMatch(/binary\.bin: is not a text file/);
  });

  it('falls back to the title for a file with no body', async () => {
    const { out } = await run([join(dir, 'title-only.txt')]);
    expect(out[0]?.sentences).toEqual(['JUST A HEADLINE']);
  });

  it('refuses a sentence count outside 1-10', async () => {
    await expect(run([join(dir, 'article.txt')], { sentences: 0 })).rejects.toThrow();
  });
});
