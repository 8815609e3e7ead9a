/**
 * `npm run bench:cli`: how long the `digest` CLI takes to answer, as wall time of a fresh
 * process, against `node -e 0` measured in the same run (round-robin, median of the runs).
 * Goals: `node bin/digest.js --help` at most 4x the baseline, `npx digest --help` at most 8x.
 * `npx digest status` runs against a local stack (`npm start` on free ports, a temp DATA_DIR)
 * started here; the sources run through tsx (DIGEST_CLI_FROM_SOURCE=1) shows what the bundle saves.
 *
 *   npm run bench:cli -- --runs 9 --warmup 2
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  type BenchCase,
  countFlag,
  emitJson,
  formatNumber,
  measure,
  parseFlags,
  printHeader,
  printNote,
  printTable,
  runMain,
} from './harness.ts';
import { REPO_ROOT, startBenchStack } from './support/local-stack.ts';

const GOALS = { 'node bin/digest.js --help': 4, 'npx digest --help': 8 } as const;
const BASELINE = 'node -e 0';

const flagsSchema = z.object({
  runs: countFlag(5, 'timed runs of each command'),
  warmup: countFlag(1, 'untimed runs of each command first', 0),
});

/** Runs one command to its end; a non-zero exit fails the benchmark, since a failing run is not a figure. */
function runCommand(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`)),
    );
  });
}

function commandCase(name: string, command: string, args: readonly string[], env?: Record<string, string>): BenchCase {
  return { name, items: 1, baseline: BASELINE, run: () => runCommand(command, args, env) };
}

async function main(): Promise<void> {
  const flags = parseFlags('bench/cli.ts', flagsSchema);
  const bundled = existsSync(join(REPO_ROOT, 'dist', 'cli', 'manifest.json'));
  printHeader('digest CLI start-up', {
    runs: flags.runs,
    warmup: flags.warmup,
    bundle: bundled ? 'dist/cli' : 'none (run npm run build:cli)',
  });
  const stack = await startBenchStack();
  try {
    const bin = join(REPO_ROOT, 'bin', 'digest.js');
    const cases = [
      commandCase(BASELINE, process.execPath, ['-e', '0']),
      commandCase('node bin/digest.js --help', process.execPath, [bin, '--help']),
      commandCase('npx digest --help', 'npx', ['digest', '--help']),
      commandCase('npx digest status', 'npx', ['digest', 'status'], stack.env),
      commandCase('node bin/digest.js --help (sources via tsx)', process.execPath, [bin, '--help'], { DIGEST_CLI_FROM_SOURCE: '1' }),
    ];
    const results = await measure(cases, { warmup: flags.warmup, runs: flags.runs, baseline: BASELINE });
    printTable(results, 'runs');
    const baselineMs = results.find((result) => result.name === BASELINE)!.medianMs;
    const times = Object.fromEntries(results.map((result) => [result.name, result.medianMs / baselineMs]));
    for (const result of results) {
      if (result.name === BASELINE) continue;
      const goal = GOALS[result.name as keyof typeof GOALS];
      const verdict = goal === undefined ? '' : times[result.name]! <= goal ? ` (goal ≤ ${goal}x: met)` : ` (goal ≤ ${goal}x: MISSED)`;
      console.log(
        `${result.name}: median ${formatNumber(result.medianMs)} ms = ${formatNumber(times[result.name])}x ${BASELINE} (${formatNumber(baselineMs)} ms)${verdict}`,
      );
    }
    printNote('wall time of whole processes; the cpu/wall column is this bench process, not the child.');
    emitJson({
      bench: 'cli',
      settings: { runs: flags.runs, warmup: flags.warmup, bundled: bundled ? 1 : 0 },
      rateUnit: 'runs',
      results,
      figures: Object.fromEntries(Object.entries(times).map(([name, ratio]) => [`timesBaseline ${name}`, ratio])),
    });
  } finally {
    await stack.stop();
  }
}

runMain(main);
