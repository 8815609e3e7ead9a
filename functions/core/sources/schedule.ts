/**
 * When a source is polled next. A healthy feed every 15 minutes; a failing one backs off from 15
 * minutes, doubling up to 24 hours, with jitter so sources that broke together do not retry
 * together; after 7 days of failures it is disabled.
 */
import type { Source } from './types.ts';

const MINUTE_MS = 60_000;
export const POLL_INTERVAL_MS = 15 * MINUTE_MS;
export const MAX_BACKOFF_MS = 24 * 60 * MINUTE_MS;
export const DISABLE_AFTER_MS = 7 * 24 * 60 * MINUTE_MS;

/**
 * The wait after the n-th failure in a row (n >= 1): 15 min × 2^(n-1), at most 24 h, of which the
 * upper half is random ("equal jitter": never sooner than half the step, so backing off still backs off).
 */
export function backoffMs(failures: number, random: () => number): number {
  const step = Math.min(MAX_BACKOFF_MS, POLL_INTERVAL_MS * 2 ** Math.min(Math.max(failures, 1) - 1, 16));
  return step / 2 + (random() * step) / 2;
}

/** The source after a successful poll (fetched or not modified). */
export function afterSuccess(source: Source, now: Date, changes: Partial<Source> = {}): Source {
  const { lastError: _error, failingSince: _since, ...rest } = source;
  return {
    ...rest,
    ...changes,
    state: source.state === 'paused' ? 'paused' : 'active',
    consecutiveFailures: 0,
    lastSuccessAt: now.toISOString(),
    lastPolledAt: now.toISOString(),
    nextPollAt: new Date(now.getTime() + POLL_INTERVAL_MS).toISOString(),
  };
}

/** The source after a failed poll: backed off, or disabled once it has failed for DISABLE_AFTER_MS. */
export function afterFailure(source: Source, now: Date, error: string, random: () => number, retryAfterSeconds?: number): Source {
  const failures = source.consecutiveFailures + 1;
  const failingSince = source.failingSince ?? now.toISOString();
  const disabled = now.getTime() - Date.parse(failingSince) >= DISABLE_AFTER_MS;
  const wait = Math.max(backoffMs(failures, random), Math.min((retryAfterSeconds ?? 0) * 1000, MAX_BACKOFF_MS));
  const state = source.state === 'paused' ? 'paused' : disabled ? 'disabled' : 'failing';
  return {
    ...source,
    state,
    consecutiveFailures: failures,
    failingSince,
    lastPolledAt: now.toISOString(),
    lastError: disabled ? `disabled after failing for 7 days; last error: ${error}` : error,
    nextPollAt: new Date(now.getTime() + wait).toISOString(),
  };
}

/** Whether the schedule (not an operator's `sources poll`) polls it now. */
export function isDue(source: Source, now: Date): boolean {
  return (source.state === 'active' || source.state === 'failing') && Date.parse(source.nextPollAt) <= now.getTime();
}
