#!/usr/bin/env node
// The CLI is TypeScript. `npm ci` and `npm install` bundle it into dist/cli/ (functions/build/cli-bundle.ts),
// which starts several times faster than the sources through tsx, whose loader hooks run for every
// module. The bundle runs only while every file it was built from is as it was then (size and
// mtime, from its manifest); otherwise, or with DIGEST_CLI_FROM_SOURCE=1, the sources run through
// tsx, so an edit takes effect at once without a build step.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function bundleIsCurrent() {
  if (process.env.DIGEST_CLI_FROM_SOURCE === '1') return false;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'manifest.json'), 'utf8'));
  } catch {
    return false;
  }
  return Object.entries(manifest.inputs).every(([path, built]) => {
    try {
      const now = statSync(join(root, path));
      return now.mtimeMs === built.mtimeMs && now.size === built.size;
    } catch {
      return false;
    }
  });
}

if (bundleIsCurrent()) {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../functions/cli/main.ts');
}
