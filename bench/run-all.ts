/**
 * `npm run bench`: the hot-path benchmarks at small sizes (about two minutes on two busy
 * cores), each in its own Node process so peak RSS belongs to one benchmark, then a summary.
 * For real sizes run one at a time: npm run bench:send -- --readers 5000 --rate 250.
 *
 *   npm run bench -- --only ingest,plan
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { emitJsonLine, formatNumber, JSON_LINE_PREFIX, parseFlags, runMain, type BenchReport } from './harness.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Sizes chosen so the whole run stays under three minutes here; ratios hold at these sizes. */
const SECTIONS = {
  ingest: ['--batches', '2', '--runs', '3', '--warmup', '1'],
  render: ['--runs', '30', '--warmup', '1', '--recipients', '10000'],
  plan: ['--readers', '1000', '--articles', '200', '--runs', '3', '--warmup', '1'],
  feeds: ['--runs', '3', '--warmup', '1'],
} as const;

type Section = keyof typeof SECTIONS;
const SECTION_NAMES = Object.keys(SECTIONS) as Section[];

const flagsSchema = z.object({
  only: z
    .string()
    .default(SECTION_NAMES.join(','))
    .transform((value) => value.split(',').map((name) => name.trim()))
    .pipe(z.array(z.enum(SECTION_NAMES)).min(1))
    .describe(`comma-separated sections: ${SECTION_NAMES.join(', ')}`),
});

type ChildReport = BenchReport & { processMaxRssMb: number };

/** Runs one benchmark file in a child Node process, echoing its output and keeping its JSON line. */
function runSection(section: Section): Promise<ChildReport> {
  const file = fileURLToPath(new URL(`./${section}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...SECTIONS[section]], {
    cwd: REPO_ROOT,
    // The SDK's notice that it will need Node 22 from 2027 would repeat in every section.
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let report: ChildReport | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith(JSON_LINE_PREFIX)) report = JSON.parse(line.slice(JSON_LINE_PREFIX.length)) as ChildReport;
    else console.log(line);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0 && report) resolve(report);
      else reject(new Error(`bench/${section}.ts exited with ${code}${report ? '' : ' and no report'}`));
    });
  });
}

function printSummary(reports: readonly ChildReport[], elapsedMs: number): void {
  console.log(`\n== summary (${formatNumber(elapsedMs / 1000)} s) ==`);
  const header = ['bench', 'case', 'rate/s', 'ms/item', 'ratio', 'process peak RSS MB'];
  const rows = reports.flatMap((report) =>
    report.results.map((result) => [
      report.bench,
      result.name,
      `${formatNumber(result.perSecond)} ${report.rateUnit}`,
      formatNumber(result.msPerItem),
      formatNumber(result.ratio),
      formatNumber(report.processMaxRssMb),
    ]),
  );
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const { only } = parseFlags('bench/run-all.ts', flagsSchema);
  const started = performance.now();
  const reports: ChildReport[] = [];
  for (const section of only) reports.push(await runSection(section));
  const elapsedMs = performance.now() - started;
  printSummary(reports, elapsedMs);
  emitJsonLine({ bench: 'all', elapsedMs, sections: reports });
}

runMain(main);
