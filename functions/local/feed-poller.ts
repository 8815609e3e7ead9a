/** `npm start`'s feed scheduler: every 15 minutes, as the EventBridge rule in AWS, it polls the due sources in-process. */
import type { Wiring } from '../adapters/runtime/wiring.ts';
import { POLL_INTERVAL_MS, type PollDeps, pollDueSources } from '../core/sources/index.ts';

/** The poller's ports from the local wiring: what `sqs-poll-feeds` gets in AWS. */
export function pollDepsOf(wiring: Wiring): PollDeps {
  return {
    sources: wiring.port('sources'),
    clock: wiring.port('clock'),
    articles: wiring.port('articles'),
    topics: wiring.port('topics'),
    fetcher: wiring.port('feedFetcher'),
    parser: wiring.port('feedParser'),
    fullText: wiring.port('fullText'),
  };
}

export function pollFeedsEvery(deps: PollDeps, intervalMs = POLL_INTERVAL_MS): { stop(): void } {
  let running = false;
  const run = async (): Promise<void> => {
    // A slow run is never overlapped by the next one.
    if (running) return;
    running = true;
    try {
      const results = await pollDueSources(deps);
      const created = results.reduce((sum, { report }) => sum + report.created, 0);
      const failed = results.filter(({ report }) => report.status === 'error');
      if (results.length > 0) console.log(`feed poll: ${results.length} source(s), ${created} new article(s), ${failed.length} failed`);
      for (const { report } of failed) console.error(`  ${report.url}: ${report.error}`);
    } catch (error) {
      console.error('feed poll failed:', error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  // The first run at start, so sources added while the stack was down are not left waiting.
  const first = setTimeout(() => void run(), 1000);
  return {
    stop() {
      clearInterval(timer);
      clearTimeout(first);
    },
  };
}
