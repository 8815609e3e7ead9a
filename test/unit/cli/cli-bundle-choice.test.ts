/**
 * bin/digest.js runs the esbuild bundle only while every file it was built from is unchanged,
 * and the TypeScript sources otherwise. Checked on a copy of the bin in a temp tree whose
 * "bundle" and "sources" each print which one ran.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let root: string;

function writeManifest(paths: readonly string[]): void {
  const inputs = Object.fromEntries(
    paths.map((path) => {
      const { mtimeMs, size } = statSync(join(root, path));
      return [path, { mtimeMs, size }];
    }),
  );
  writeFileSync(join(root, 'dist/cli/manifest.json'), JSON.stringify({ inputs }));
}

function whichRan(env: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, [join(root, 'bin/digest.js')], {
    encoding: 'utf8',
    env: { ...process.env, DIGEST_CLI_FROM_SOURCE: '', ...env },
    timeout: 60_000,
  });
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'digest-bin-'));
  for (const dir of ['bin', 'dist/cli', 'functions/cli']) mkdirSync(join(root, dir), { recursive: true });
  copyFileSync(join(REPO_ROOT, 'bin/digest.js'), join(root, 'bin/digest.js'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  writeFileSync(join(root, 'dist/cli/main.js'), "console.log('bundle');\n");
  writeFileSync(join(root, 'functions/cli/main.ts'), "const ran: string = 'sources';\nconsole.log(ran);\n");
  writeFileSync(join(root, 'functions/cli/command.ts'), 'export const built = 1;\n');
  writeManifest(['functions/cli/main.ts', 'functions/cli/command.ts']);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

// Each run of the sources starts tsx: slow on a busy machine.
describe('which code `digest` runs', { timeout: 90_000 }, () => {
  it('runs the bundle while every file it was built from is as it was', () => {
    expect(whichRan()).toBe('bundle');
  });

  it('runs the sources once a file the bundle was built from changed', () => {
    writeFileSync(join(root, 'functions/cli/command.ts'), 'export const built = 22;\n');
    expect(whichRan()).toBe('sources');
  });

  it('runs the sources when a file the bundle was built from is gone', () => {
    unlinkSync(join(root, 'functions/cli/command.ts'));
    expect(whichRan()).toBe('sources');
  });

  it('runs the sources when there is no bundle, or when DIGEST_CLI_FROM_SOURCE=1', () => {
    expect(whichRan({ DIGEST_CLI_FROM_SOURCE: '1' })).toBe('sources');
    unlinkSync(join(root, 'dist/cli/manifest.json'));
    expect(whichRan()).toBe('sources');
  });
});
