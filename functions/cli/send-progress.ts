/**
 * send-now's progress on stderr: a cli-progress bar with rate and ETA on a terminal; on a pipe or
 * in CI, a plain line every few seconds instead of escape codes. The total grows as the planner
 * streams readers into the queue.
 */
import { SingleBar } from 'cli-progress';

const PLAIN_EVERY_MS = 5_000;

export interface SendProgress {
  addTotal(jobs: number): void;
  tick(): void;
  stop(): void;
}

export function sendProgress(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): SendProgress {
  const startedMs = Date.now();
  let total = 0;
  let done = 0;
  const rate = () => done / Math.max(0.001, (Date.now() - startedMs) / 1000);
  if (stream.isTTY && !env['CI']) {
    const bar = new SingleBar({
      stream,
      format: 'sending [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}',
      etaBuffer: 200,
      hideCursor: true,
    });
    bar.start(0, 0, { rate: '0.0' });
    return {
      addTotal: (jobs) => {
        total += jobs;
        bar.setTotal(total);
      },
      tick: () => {
        done += 1;
        bar.update(done, { rate: rate().toFixed(1) });
      },
      stop: () => bar.stop(),
    };
  }
  let lastLineMs = 0;
  const line = () => {
    const perSecond = rate();
    const eta = perSecond > 0 ? Math.round((total - done) / perSecond) : undefined;
    stream.write(`sending ${done}/${total}, ${perSecond.toFixed(1)}/s, ETA ${eta === undefined ? '?' : `${eta}s`}\n`);
  };
  return {
    addTotal: (jobs) => {
      total += jobs;
    },
    tick: () => {
      done += 1;
      if (Date.now() - lastLineMs >= PLAIN_EVERY_MS) {
        lastLineMs = Date.now();
        line();
      }
    },
    stop: line,
  };
}
