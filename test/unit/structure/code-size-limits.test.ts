import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeLineCount } from '../../support/code-lines.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MAX_HANDLER_CODE_LINES = 60;
const MAX_SOURCE_FILE_LINES = 400;

function typeScriptFilesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(dir, name))
    .sort();
}

function read(file: string): string {
  return readFileSync(path.join(ROOT, file), 'utf8');
}

describe('handlers are thin: decode, one use case, encode', () => {
  it.each(typeScriptFilesUnder('functions/handlers'))(`%s holds at most ${MAX_HANDLER_CODE_LINES} code lines`, (file) => {
    expect(codeLineCount(read(file), file)).toBeLessThanOrEqual(MAX_HANDLER_CODE_LINES);
  });
});

describe('source files stay short enough to read', () => {
  it.each([...typeScriptFilesUnder('functions'), ...typeScriptFilesUnder('infra')])(
    `%s is at most ${MAX_SOURCE_FILE_LINES} lines`,
    (file) => {
      const lines = read(file).split('\n');
      if (lines.at(-1) === '') lines.pop();
      expect(lines.length).toBeLessThanOrEqual(MAX_SOURCE_FILE_LINES);
    },
  );
});
