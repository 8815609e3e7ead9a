/** An entry point for the bundled-worker test: one feed parsed by the off-thread runner, from inside a bundle. */
import { createOffThreadRunner } from '../../functions/adapters/feeds/off-thread.ts';

export async function parseInBundledWorker(xml: string): Promise<unknown> {
  const runner = createOffThreadRunner({ deadlineMs: 20_000, threads: 1 });
  try {
    return await runner.run({ kind: 'feed', body: Buffer.from(xml), contentType: undefined, url: 'https://feeds.example/' });
  } finally {
    await runner.close();
  }
}
