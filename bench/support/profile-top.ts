/**
 * The top self-time frames of one or more V8 CPU profiles (.cpuprofile, as `--cpu-prof` or
 * node:inspector's Profiler writes them). Given a directory, it merges every profile in it whose
 * name contains the filter (bench:send names them planner-*.cpuprofile and sender-*.cpuprofile).
 *
 *   tsx bench/support/profile-top.ts <file-or-dir> [name-filter] [count]
 *
 * A frame is function, file and line; its share is of the main thread's non-idle time (each
 * sample weighs the interval to the next), so the figures are shares of CPU spent, not of wall
 * time. Threads other than the main one (GC helpers, the kernel's socket work) are not sampled.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { z } from 'zod';

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export interface Frame {
  frame: string;
  /** Self time, milliseconds. */
  ms: number;
  share: number;
}

type CallFrame = z.infer<typeof profileSchema>['nodes'][number]['callFrame'];

const sources = new Map<string, string[]>();

/**
 * tsx hands V8 its output on one line, so a frame in a .ts file says line 1: the line is looked
 * up in the source by the function's name instead (its declaration, a method or a property).
 */
function sourceLine(path: string, callFrame: CallFrame): number {
  if (callFrame.lineNumber > 0 || !path.endsWith('.ts') || callFrame.functionName === '') return callFrame.lineNumber + 1;
  let lines = sources.get(path);
  if (lines === undefined) {
    try {
      lines = readFileSync(path, 'utf8').split('\n');
    } catch {
      lines = [];
    }
    sources.set(path, lines);
  }
  const name = callFrame.functionName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const declaration = new RegExp(
    `(function\\*?\\s+${name}\\b|^\\s*(static\\s+)?(async\\s+)?#?${name}\\s*[(<]|\\b${name}\\s*[=:]\\s*(async\\s*)?\\()`,
  );
  const index = lines.findIndex((line) => declaration.test(line));
  return index + 1;
}

function frameName(callFrame: CallFrame): string {
  const url = callFrame.url.replace(/^file:\/\//, '');
  const file = url === '' ? '' : relative(process.cwd(), url).replace(/^(\.\.\/)+/, '');
  const where = file === '' ? '' : ` ${file}:${url.startsWith('/') ? sourceLine(url, callFrame) : callFrame.lineNumber + 1}`;
  return `${callFrame.functionName || '(anonymous)'}${where}`;
}

/** Self time per frame over all the given profiles (each sample weighs the time to the next), largest first. */
export function topFrames(paths: readonly string[], count: number): { frames: Frame[]; totalMs: number } {
  const bySelf = new Map<string, number>();
  let totalMs = 0;
  for (const path of paths) {
    const profile = profileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    const names = new Map(profile.nodes.map((node) => [node.id, frameName(node.callFrame)]));
    profile.samples.forEach((id, index) => {
      const name = names.get(id) ?? '(unknown)';
      if (name === '(idle)') return;
      const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
      bySelf.set(name, (bySelf.get(name) ?? 0) + ms);
      totalMs += ms;
    });
  }
  const frames = [...bySelf.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, ms]) => ({ frame, ms, share: totalMs === 0 ? 0 : ms / totalMs }));
  return { frames, totalMs };
}

function profilesAt(path: string, filter: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.cpuprofile') && name.includes(filter))
    .sort()
    .map((name) => join(path, name));
}

if (process.argv[1] !== undefined && basename(process.argv[1]).startsWith('profile-top')) {
  const [path, filter = '', count = '5'] = process.argv.slice(2);
  if (path === undefined) {
    process.stderr.write('usage: profile-top.ts <file-or-dir> [name-filter] [count]\n');
    process.exit(2);
  }
  const paths = profilesAt(path, filter);
  const { frames, totalMs } = topFrames(paths, Number(count));
  process.stdout.write(`${paths.length} profile(s), ${totalMs.toFixed(0)} ms on the main thread (idle excluded)\n`);
  for (const { frame, ms, share } of frames)
    process.stdout.write(`${(share * 100).toFixed(1).padStart(5)}% ${ms.toFixed(0).padStart(6)} ms  ${frame}\n`);
}
