/**
 * The CLI bundle (functions/build/cli-bundle.ts, built by `npm ci`) answers exactly as the
 * sources do: the same help, the same command output and exit code, the templates found.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, CLI_BUNDLE_DIR, REPO_ROOT, type CliBundleManifest } from '../../functions/build/cli-bundle.ts';

let dir: string;
let manifest: CliBundleManifest;

function digest(args: readonly string[], fromSource: boolean): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/digest.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, DIGEST_CLI_FROM_SOURCE: fromSource ? '1' : '', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'digest-bundle-'));
  writeFileSync(join(dir, 'a.txt'), 'Bridge reopens\n\nThe old bridge reopened on Monday after two years of repairs. Traffic was light.\n');
  manifest = await buildCliBundle();
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bundled digest CLI', () => {
  it('records every source it was built from and carries the templates', () => {
    expect(Object.keys(manifest.inputs)).toEqual(
      expect.arrayContaining([
        'functions/cli/main.ts',
        'functions/cli/status.ts',
        'functions/adapters/runtime/wiring.ts',
        'templates/compiled/digest.html',
      ]),
    );
    expect(readFileSync(join(CLI_BUNDLE_DIR, 'templates/compiled/digest.html'), 'utf8')).toBe(
      readFileSync(join(REPO_ROOT, 'templates/compiled/digest.html'), 'utf8'),
    );
    expect(existsSync(join(CLI_BUNDLE_DIR, 'main.js'))).toBe(true);
  });

  it('answers like the sources: help, a command, a usage error', { timeout: 240_000 }, () => {
    const file = join(dir, 'a.txt');
    for (const args of [['--help'], ['summarize', '--sentences', '1', file], ['summarize', '--sentences', 'many', file]]) {
      expect(digest(args, false), args.join(' ')).toEqual(digest(args, true));
    }
  });
});
