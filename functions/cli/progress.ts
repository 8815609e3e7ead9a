/**
 * Progress on stderr: a cli-progress bar on a terminal, a plain line now and then otherwise,
 * so logs and CI output are not filled with carriage returns. stdout stays for data.
 */
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /** Moves to `done` (of `total`, when known) and updates the counts shown. */
  update(done: number, counts?: Record<string, number>): void;
  stop(): void;
}

/** Plain mode prints at most this often. */
const PLAIN_INTERVAL_MS = 2000;

export function startProgress(label: string, total: number | undefined, unit: string, stream = process.stderr): Progress {
  if (stream.isTTY && total !== undefined) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {summary}`, stream, hideCursor: true, etaBuffer: 50 },
      Presets.shades_classic,
    );
    bar.start(total, 0, { summary: '' });
    return {
      update: (done, counts) => bar.update(done, { summary: summary(counts) }),
      stop: () => bar.stop(),
    };
  }
  let lastReport = Date.now();
  return {
    update(done, counts) {
      if (Date.now() - lastReport < PLAIN_INTERVAL_MS) return;
      lastReport = Date.now();
      stream.write(`${label}: ${done}${total === undefined ? '' : ` of ${total}`} ${unit}${counts ? ` (${summary(counts)})` : ''}\n`);
    },
    stop() {},
  };
}

function summary(counts: Record<string, number> | undefined): string {
  return Object.entries(counts ?? {})
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}
