/**
 * The measuring kit shared by every benchmark: flags, interleaved timed runs after warm-up,
 * medians, CPU time, peak RSS, one table layout and one JSON line per benchmark.
 *
 * The machine is shared and noisy, so the figure to compare is the ratio against a baseline
 * measured in the same process. Cases run round-robin (baseline, case A, case B, baseline, ...)
 * rather than one after another, so a burst of load from a neighbour slows all of them alike.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const JSON_LINE_PREFIX = 'BENCH_JSON ';

const MB = 1024 * 1024;

/** A whole number of at least `min`, read from a flag's string. */
export function countFlag(fallback: number, description: string, min = 1) {
  return z.coerce.number().int().min(min).default(fallback).describe(description);
}

export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

/**
 * Parses `--name value` flags, one per key of `schema`, with node:util parseArgs; every value is
 * then validated by the schema. `--help` prints the flags with their defaults and exits.
 */
export function parseFlags<Shape extends z.ZodRawShape>(
  command: string,
  schema: z.ZodObject<Shape>,
  argv: readonly string[] = process.argv.slice(2),
): z.output<z.ZodObject<Shape>> {
  const keys = Object.keys(schema.shape);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean' },
        ...Object.fromEntries(keys.map((key) => [key, { type: 'string' as const }])),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BenchUsageError(`${command}: ${(error as Error).message}`, { cause: error });
  }
  if (values.help) {
    console.log(`usage: ${command} [flags]`);
    for (const key of keys) {
      const field = schema.shape[key] as z.ZodType;
      const fallback = field.safeParse(undefined);
      console.log(`  --${key.padEnd(12)} ${field.description ?? ''}${fallback.success ? ` (default ${String(fallback.data)})` : ''}`);
    }
    process.exit(0);
  }
  const parsed = schema.safeParse(Object.fromEntries(keys.map((key) => [key, values[key]])));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `--${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new BenchUsageError(`${command}: ${problems}`);
  }
  return parsed.data;
}

/** Resident set size, sampled on a timer and at the end of every run, with a resettable window. */
class RssMonitor {
  #windowPeak = 0;
  #timer: NodeJS.Timeout | undefined;

  start(intervalMs = 10): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.sample(), intervalMs).unref();
  }

  sample(): number {
    const rss = process.memoryUsage.rss();
    if (rss > this.#windowPeak) this.#windowPeak = rss;
    return rss;
  }

  /** Starts a new window and returns the peak of the one that ends. */
  resetWindow(): number {
    const peak = this.#windowPeak;
    this.#windowPeak = process.memoryUsage.rss();
    return peak;
  }
}

const rss = new RssMonitor();

/** A timer only fires between awaits; synchronous loops are caught by the sample after each run. */
export function startRssMonitor(): void {
  rss.start();
}

/** Peak RSS of the whole process so far, as the kernel counted it. */
export function processMaxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export interface BenchCase {
  name: string;
  /** Work items one run handles: articles, renders, readers, emails. */
  items: number;
  /** The case whose rate this one is divided by; defaults to the measure() baseline. */
  baseline?: string;
  /** Not timed: fresh state for the run. `iteration` counts warm-up runs too, so data can differ per run. */
  setup?(iteration: number): Promise<void> | void;
  run(iteration: number): Promise<void> | void;
  /** Not timed: figures of the run just finished (request counts...); the median over timed runs is reported. */
  collect?(): Record<string, number>;
}

export interface CaseResult {
  name: string;
  items: number;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median CPU time (user + system, all threads) per run. */
  cpuMs: number;
  /**
   * CPU time ÷ wall time over the timed runs. Above 1: helper threads (GC, libuv) worked
   * alongside; below 1: the process waited, on I/O or for a core on a busy machine.
   */
  cpuShare: number;
  perSecond: number;
  msPerItem: number;
  peakRssMb: number;
  /** This case's rate ÷ its baseline's rate, both measured in this process. */
  ratio: number | undefined;
  extra: Record<string, number>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function percentile(values: readonly number[], share: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

interface RunRecord {
  wallMs: number[];
  cpuMs: number[];
  peakRss: number;
  extra: Map<string, number[]>;
}

/**
 * Runs every case `warmup + runs` times, round-robin, and reports the timed runs. Each case's
 * setup, a garbage collection (with --expose-gc) and the RSS window reset happen off the clock.
 */
export async function measure(
  cases: readonly BenchCase[],
  options: { warmup: number; runs: number; baseline: string },
): Promise<CaseResult[]> {
  startRssMonitor();
  const records = new Map<string, RunRecord>(cases.map((c) => [c.name, { wallMs: [], cpuMs: [], peakRss: 0, extra: new Map() }]));
  for (let iteration = 0; iteration < options.warmup + options.runs; iteration += 1) {
    const timed = iteration >= options.warmup;
    for (const benchCase of cases) {
      await benchCase.setup?.(iteration);
      collectGarbage();
      rss.resetWindow();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await benchCase.run(iteration);
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      rss.sample();
      const peak = rss.resetWindow();
      const figures = benchCase.collect?.() ?? {};
      if (!timed) continue;
      const record = records.get(benchCase.name)!;
      record.wallMs.push(wallMs);
      record.cpuMs.push((cpu.user + cpu.system) / 1000);
      record.peakRss = Math.max(record.peakRss, peak);
      for (const [key, value] of Object.entries(figures)) {
        record.extra.set(key, [...(record.extra.get(key) ?? []), value]);
      }
    }
  }
  const results = cases.map((benchCase) => {
    const record = records.get(benchCase.name)!;
    return toResult(benchCase.name, benchCase.items, record);
  });
  return withRatios(results, cases, options.baseline);
}

/**
 * Times `count` calls of a cheap synchronous function one by one, for per-call medians and
 * tails where a whole-loop time would hide them. The timer's own cost (well under a
 * microsecond) is included.
 */
export function measureCalls(name: string, count: number, call: (index: number) => unknown): CaseResult & { p99Ms: number } {
  startRssMonitor();
  collectGarbage();
  rss.resetWindow();
  const samples = new Array<number>(count);
  const cpuBefore = process.cpuUsage();
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    call(index);
    samples[index] = performance.now() - started;
  }
  const cpu = process.cpuUsage(cpuBefore);
  rss.sample();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const result = toResult(name, 1, { wallMs: samples, cpuMs: [], peakRss: rss.resetWindow(), extra: new Map() });
  return { ...result, cpuMs: cpuMs / count, cpuShare: cpuMs / sum(samples), p99Ms: percentile(samples, 0.99) };
}

function toResult(name: string, items: number, record: RunRecord): CaseResult {
  const medianMs = median(record.wallMs);
  return {
    name,
    items,
    runs: record.wallMs.length,
    medianMs,
    minMs: Math.min(...record.wallMs),
    maxMs: Math.max(...record.wallMs),
    cpuMs: median(record.cpuMs),
    cpuShare: sum(record.cpuMs) / sum(record.wallMs),
    perSecond: (items * 1000) / medianMs,
    msPerItem: medianMs / items,
    peakRssMb: record.peakRss / MB,
    ratio: undefined,
    extra: Object.fromEntries([...record.extra].map(([key, values]) => [key, median(values)])),
  };
}

/** Fills in each result's ratio against its baseline (the case's own, else `fallback`). */
export function withRatios(
  results: readonly CaseResult[],
  cases: readonly Pick<BenchCase, 'name' | 'baseline'>[],
  fallback: string,
): CaseResult[] {
  const byName = new Map(results.map((result) => [result.name, result]));
  return results.map((result) => {
    const baselineName = cases.find((c) => c.name === result.name)?.baseline ?? fallback;
    const baseline = byName.get(baselineName);
    return { ...result, ratio: baseline ? result.perSecond / baseline.perSecond : undefined };
  });
}

/** Whole numbers as they are, with separators; others to 3 significant figures, or whole from 1,000. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  if (!Number.isFinite(value)) return '∞';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  if (magnitude === 0) return '0';
  return value.toPrecision(3);
}

export function printHeader(title: string, settings: Record<string, string | number>): void {
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  const gc = typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'on' : 'off (run with --expose-gc)';
  console.log(`\n== ${title} ==`);
  console.log(
    `node ${process.version}, ${availableParallelism()} CPUs, load ${load}, gc between runs ${gc}, RSS before setup ${formatNumber(process.memoryUsage.rss() / MB)} MB`,
  );
  console.log(
    Object.entries(settings)
      .map(([key, value]) => `${key}=${value}`)
      .join(', '),
  );
}

/**
 * The one table layout: a row per case, `rateUnit` naming what `perSecond` counts. The ratio is
 * this case's rate ÷ its baseline's rate: 1 is as fast as the baseline, 0.1 is ten times slower.
 */
export function printTable(results: readonly CaseResult[], rateUnit: string): void {
  const header = ['case', 'n/run', 'runs', 'median ms', 'min–max ms', 'ms/item', `${rateUnit}/s`, 'cpu/wall', 'peak RSS MB', 'ratio'];
  const rows = results.map((r) => [
    r.name,
    formatNumber(r.items),
    String(r.runs),
    formatNumber(r.medianMs),
    `${formatNumber(r.minMs)}–${formatNumber(r.maxMs)}`,
    formatNumber(r.msPerItem),
    formatNumber(r.perSecond),
    `${Math.round(r.cpuShare * 100)}%`,
    formatNumber(r.peakRssMb),
    formatNumber(r.ratio),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
  for (const result of results) {
    const extra = Object.entries(result.extra);
    if (extra.length > 0) {
      console.log(`  ${result.name}: ${extra.map(([key, value]) => `${key} ${formatNumber(value)}`).join(', ')}`);
    }
  }
}

export function printNote(text: string): void {
  console.log(`  note: ${text}`);
}

export interface BenchReport {
  bench: string;
  settings: Record<string, string | number>;
  rateUnit: string;
  results: CaseResult[];
  /** Extra named figures of the benchmark as a whole. */
  figures?: Record<string, number>;
}

export function emitJsonLine(payload: object): void {
  console.log(`${JSON_LINE_PREFIX}${JSON.stringify(payload)}`);
}

/** The closing machine-readable line of one benchmark; run-all collects these. */
export function emitJson(report: BenchReport): void {
  emitJsonLine({
    ...report,
    node: process.version,
    cpus: availableParallelism(),
    loadavg: loadavg(),
    processMaxRssMb: processMaxRssMb(),
  });
}

/** Runs `items` through `worker` with at most `concurrency` in flight. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await worker(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

/** Exit non-zero with the message when a benchmark fails, without a stack for usage errors. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof BenchUsageError ? error.message : error);
      process.exit(1);
    },
  );
}
