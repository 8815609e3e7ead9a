/**
 * `npm run bench:bundle`: every Lambda handler bundled exactly as the CDK construct bundles it
 * (infra/bundling.ts), then per function: bundle size, the dependencies that make it up (from
 * esbuild's metafile) and the cold module-load time, i.e. `import()` of the bundle in a fresh
 * node process, median of runs. Goal: each bundle < 1 MB, cold load < 300 ms.
 *
 * The AWS SDK stays external, as on Lambda, where the runtime provides it; here it resolves from
 * node_modules, so its load time is part of the figure as it is of a real cold start.
 *
 *   npm run bench:bundle -- --runs 7 --only api-articles,sqs-send-digest
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { z } from 'zod';
import { lambdaEsbuildOptions } from '../infra/bundling.ts';
import { PROJECT_ROOT } from '../infra/digest-function.ts';
import { countFlag, emitJsonLine, formatNumber, median, parseFlags, printHeader, printNote, runMain } from './harness.ts';

const run = promisify(execFile);

export const BUNDLE_SIZE_GOAL_BYTES = 1024 * 1024;
export const COLD_LOAD_GOAL_MS = 300;

const HANDLERS_DIR = path.join(PROJECT_ROOT, 'functions/handlers');
const OUT_DIR = path.join(PROJECT_ROOT, 'node_modules/.cache/bench-bundle');
// One file per Lambda, named for its trigger; http.ts is the shared HTTP edge, not a function.
const HANDLER_FILE = /^(api|schedule|sqs|sns)-[a-z-]+\.ts$/;

/**
 * The baseline, loaded the same way in the same run: only the AWS SDK clients the handlers use.
 * Every function pays it on Lambda too, and on a busy machine it shows how much of a figure is load.
 */
const BASELINE_NAME = '(baseline: AWS SDK clients only)';
const SDK_CLIENTS = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/client-sesv2',
  '@aws-sdk/client-sqs',
  '@aws-sdk/client-secrets-manager',
];

const flagsSchema = z.object({
  runs: countFlag(5, 'fresh node processes per function; the median is reported'),
  only: z.string().optional().describe('comma-separated handler names, e.g. api-articles,sqs-send-digest'),
  top: countFlag(3, 'largest dependencies listed per function'),
});

interface FunctionFacts {
  name: string;
  bundleBytes: number;
  sourceMapBytes: number;
  coldLoadMs: number;
  coldLoadRunsMs: number[];
  /** Bytes per package, whoever pulled it in. */
  dependencies: { name: string; bytes: number }[];
  /** Bytes per package our own code imports, counting everything that package pulls in. */
  directDependencies: { name: string; bytes: number }[];
}

/** The package an input file belongs to, or `(project)` for our own code. */
function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at === -1) return '(project)';
  const [first = '', second = ''] = input.slice(at + 'node_modules/'.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

function dependencyBytes(metafile: Metafile, outfile: string): { name: string; bytes: number }[] {
  const output = Object.entries(metafile.outputs).find(([file]) => path.resolve(PROJECT_ROOT, file) === outfile)?.[1];
  if (!output) throw new Error(`esbuild's metafile has no output ${outfile}`);
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/**
 * Charges every bundled file to the first package our own code imports on the way to it
 * (breadth-first from the project's files), so `mjml` carries cheerio, undici and the rest.
 */
function directDependencyBytes(metafile: Metafile, outfile: string): { name: string; bytes: number }[] {
  const output = Object.entries(metafile.outputs).find(([file]) => path.resolve(PROJECT_ROOT, file) === outfile)?.[1];
  if (!output) throw new Error(`esbuild's metafile has no output ${outfile}`);
  const owner = new Map<string, string>();
  const queue: string[] = [];
  for (const input of Object.keys(metafile.inputs)) {
    if (packageOf(input) === '(project)') {
      owner.set(input, '(project)');
      queue.push(input);
    }
  }
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const from = owner.get(next)!;
    for (const { path: imported } of metafile.inputs[next]?.imports ?? []) {
      if (owner.has(imported) || !(imported in metafile.inputs)) continue;
      owner.set(imported, from === '(project)' ? packageOf(imported) : from);
      queue.push(imported);
    }
  }
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = owner.get(input) ?? packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** The time `import()` of the bundle takes in a new node process, which is what a cold start pays. */
async function coldLoadMs(bundle: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(performance.now() - t);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '--enable-source-maps', '-e', script], {
    cwd: path.dirname(bundle),
    // AWS_LAMBDA_FUNCTION_NAME makes the bundle load what it loads on Lambda (the X-Ray tracer).
    env: {
      ...process.env,
      AWS_LAMBDA_FUNCTION_NAME: path.basename(path.dirname(bundle)),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  const ms = Number(stdout.trim().split('\n').at(-1));
  if (!Number.isFinite(ms)) throw new Error(`no load time from ${bundle}: ${stdout}`);
  return ms;
}

async function measureFunction(name: string, runs: number, entry = path.join(HANDLERS_DIR, `${name}.ts`)): Promise<FunctionFacts> {
  const outfile = path.join(OUT_DIR, name.replace(/[^a-z0-9-]+/gi, '-'), 'index.mjs');
  const result = await build({
    ...lambdaEsbuildOptions(entry, outfile),
    metafile: true,
    logLevel: 'silent',
  });
  const coldLoadRunsMs: number[] = [];
  for (let i = 0; i < runs; i += 1) coldLoadRunsMs.push(await coldLoadMs(outfile));
  return {
    name,
    bundleBytes: (await stat(outfile)).size,
    sourceMapBytes: (await stat(`${outfile}.map`)).size,
    coldLoadMs: median(coldLoadRunsMs),
    coldLoadRunsMs,
    dependencies: dependencyBytes(result.metafile, outfile),
    directDependencies: directDependencyBytes(result.metafile, outfile),
  };
}

const kb = (bytes: number): string => `${formatNumber(bytes / 1024)} KB`;

function printFacts(facts: readonly FunctionFacts[], top: number): void {
  const header = [
    'function',
    'bundle',
    'map',
    'cold load ms (median)',
    'min–max ms',
    'goal',
    `largest ${top} direct dependencies (with what they pull in)`,
  ];
  const rows = facts.map((f) => [
    f.name,
    kb(f.bundleBytes),
    kb(f.sourceMapBytes),
    formatNumber(f.coldLoadMs),
    `${formatNumber(Math.min(...f.coldLoadRunsMs))}–${formatNumber(Math.max(...f.coldLoadRunsMs))}`,
    f.name === BASELINE_NAME
      ? '-'
      : `${f.bundleBytes < BUNDLE_SIZE_GOAL_BYTES ? 'size ok' : 'SIZE OVER'}, ${f.coldLoadMs < COLD_LOAD_GOAL_MS ? 'load ok' : 'LOAD OVER'}`,
    f.directDependencies
      .slice(0, top)
      .map((d) => `${d.name} ${kb(d.bytes)}`)
      .join(', '),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 || column === cells.length - 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
  for (const f of facts.filter((fact) => fact.dependencies.length > 0)) {
    const shares = f.dependencies.slice(0, top).map((d) => `${d.name} ${Math.round((d.bytes / f.bundleBytes) * 100)}%`);
    console.log(`  ${f.name}: largest packages ${shares.join(', ')}`);
  }
}

async function main(): Promise<void> {
  const flags = parseFlags('npm run bench:bundle --', flagsSchema);
  const all = (await readdir(HANDLERS_DIR))
    .filter((file) => HANDLER_FILE.test(file))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
  const wanted = flags.only?.split(',').map((name) => name.trim());
  const unknown = wanted?.filter((name) => !all.includes(name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown handler(s): ${unknown.join(', ')}; known: ${all.join(', ')}`);
  const names = wanted ?? all;

  printHeader('bench:bundle — Lambda bundles as deployed', { functions: names.length, runs: flags.runs });
  await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  const baselineEntry = path.join(OUT_DIR, 'baseline-entry.mjs');
  await writeFile(baselineEntry, SDK_CLIENTS.map((client, i) => `export * as client${i} from '${client}';\n`).join(''));
  // Its own file sits under node_modules/.cache, so its package breakdown would only say that.
  const baseline = { ...(await measureFunction(BASELINE_NAME, flags.runs, baselineEntry)), dependencies: [], directDependencies: [] };
  const facts: FunctionFacts[] = [];
  for (const name of names) facts.push(await measureFunction(name, flags.runs));

  printFacts([baseline, ...facts], flags.top);
  printNote(
    `cold load beyond the baseline (our code and bundled packages): ${facts.map((f) => `${f.name} ${formatNumber(f.coldLoadMs - baseline.coldLoadMs)} ms`).join(', ')}`,
  );
  printNote(
    `goal: bundle < ${kb(BUNDLE_SIZE_GOAL_BYTES)}, cold load < ${COLD_LOAD_GOAL_MS} ms; @aws-sdk/* and @smithy/* are external (the Lambda runtime has them) and load from node_modules here`,
  );
  const over = facts.filter((f) => f.bundleBytes >= BUNDLE_SIZE_GOAL_BYTES || f.coldLoadMs >= COLD_LOAD_GOAL_MS);
  if (over.length > 0) printNote(`over the goal: ${over.map((f) => f.name).join(', ')}`);
  emitJsonLine({
    bench: 'bundle',
    settings: { runs: flags.runs },
    goals: { bundleBytes: BUNDLE_SIZE_GOAL_BYTES, coldLoadMs: COLD_LOAD_GOAL_MS },
    baseline: { name: baseline.name, coldLoadMs: baseline.coldLoadMs, coldLoadRunsMs: baseline.coldLoadRunsMs },
    functions: facts.map((f) => ({
      ...f,
      dependencies: f.dependencies.slice(0, 10),
      directDependencies: f.directDependencies.slice(0, 10),
    })),
  });
}

runMain(main);
