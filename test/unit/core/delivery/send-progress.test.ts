import { describe, expect, it } from 'vitest';
import { sendProgress } from '../../../../functions/cli/send-progress.ts';

/** A stream that is not a terminal, as in CI or behind a pipe. */
function pipe() {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (chunk: string) => lines.push(chunk) } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('sendProgress', () => {
  it('writes plain lines with counts, rate and ETA when stderr is not a terminal', () => {
    const { stream, lines } = pipe();
    const progress = sendProgress(stream, {});

    progress.addTotal(3);
    progress.tick();
    progress.tick();
    progress.tick();
    progress.stop();

    expect(lines[0]).toMatch(/^sending 1\/3, [\d.]+\/s, ETA \d+s\n$/);
    expect(lines.at(-1)).toMatch(/^sending 3\/3, [\d.]+\/s, ETA 0s\n$/);
    expect(lines.join('')).not.toContain('\u001b[');
  });

  it('stays plain in CI even on a terminal', () => {
    const { stream, lines } = pipe();
    (stream as { isTTY: boolean }).isTTY = true;
    const progress = sendProgress(stream, { CI: 'true' });
    progress.addTotal(1);
    progress.tick();
    progress.stop();
    expect(lines.join('')).not.toContain('\u001b[');
  });
});
