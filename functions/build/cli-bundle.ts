/**
 * Build step: bundles the `digest` CLI with esbuild into dist/cli/, so it starts as plain
 * JavaScript instead of through tsx's loader hooks (which run for every module it loads).
 * `npm ci` and `npm install` run it (the `prepare` script); `npm run build:cli` by hand.
 *
 * Each command stays its own chunk (code splitting over main.ts's dynamic imports), so
 * `digest --help` loads commander and the table only. Packages stay external: Node loads them
 * from node_modules as it would anyway, and an upgrade needs no rebuild. templates/ is copied
 * beside the bundle, where adapters/render/templates.ts looks first (as in a Lambda bundle).
 *
 * dist/cli/manifest.json records the size and mtime of every file the bundle was made from;
 * bin/digest.js runs the bundle only while every one still matches, and the sources through
 * tsx otherwise, so an edit is never hidden behind an old bundle.
 */
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_BUNDLE_DIR = join(REPO_ROOT, 'dist', 'cli');
const TEMPLATES_DIR = join(REPO_ROOT, 'templates');
const THIS_FILE = fileURLToPath(import.meta.url);

/** The manifest bin/digest.js reads: repo-relative path -> what the file was when the bundle was built. */
export interface CliBundleManifest {
  inputs: Record<string, { mtimeMs: number; size: number }>;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

async function snapshot(paths: readonly string[]): Promise<CliBundleManifest['inputs']> {
  const inputs: CliBundleManifest['inputs'] = {};
  for (const path of paths) {
    const { mtimeMs, size } = await stat(path);
    inputs[relative(REPO_ROOT, path)] = { mtimeMs, size };
  }
  return inputs;
}

/** Builds into a fresh directory and swaps it in, so a run never sees half a bundle. */
export async function buildCliBundle(): Promise<CliBundleManifest> {
  const staging = `${CLI_BUNDLE_DIR}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  try {
    const templates = await filesUnder(TEMPLATES_DIR);
    // Taken before esbuild reads anything, so an edit made during the build marks the bundle stale.
    const before = await snapshot([THIS_FILE, ...templates]);
    const startedMs = Date.now();
    const result = await build({
      entryPoints: [join(REPO_ROOT, 'functions', 'cli', 'main.ts')],
      absWorkingDir: REPO_ROOT,
      outdir: staging,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      metafile: true,
      logLevel: 'warning',
    });
    const sources = Object.keys(result.metafile.inputs).map((input) => join(REPO_ROOT, input));
    const after = await snapshot(sources);
    // A source written while esbuild ran may be in the bundle in either version: build again from the new one.
    if (Object.values(after).some((file) => file.mtimeMs >= startedMs)) return await buildCliBundle();
    const manifest: CliBundleManifest = { inputs: { ...before, ...after } };
    await cp(TEMPLATES_DIR, join(staging, 'templates'), { recursive: true });
    await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest)}\n`);
    await mkdir(join(REPO_ROOT, 'dist'), { recursive: true });
    await rm(CLI_BUNDLE_DIR, { recursive: true, force: true });
    await rename(staging, CLI_BUNDLE_DIR);
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === THIS_FILE) {
  const manifest = await buildCliBundle();
  console.log(
    `digest CLI bundled into ${relative(process.cwd(), CLI_BUNDLE_DIR) || '.'} from ${Object.keys(manifest.inputs).length} files`,
  );
}
