import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('npx digest runs the local CLI without npm reading the installed tree', () => {
  it('links node_modules/.bin/digest to bin/digest.js at install', () => {
    expect(realpathSync(`${ROOT}node_modules/.bin/digest`)).toBe(realpathSync(`${ROOT}bin/digest.js`));
  });

  it('has no bin field, which would make npx install the project into its cache on every call', () => {
    const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as Record<string, unknown>;
    expect(manifest.bin).toBeUndefined();
    expect(manifest.scripts).toMatchObject({ postinstall: 'node bin/install-links.js' });
  });
});
