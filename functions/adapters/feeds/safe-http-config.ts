/** The fetch rules from the one validated config: the private-address switch and the contact URL in the User-Agent. */
import type { AppConfig } from '../runtime/config.ts';
import { feedUserAgent } from './feed-fetcher.ts';
import { DEFAULT_SAFE_HTTP, type SafeHttpOptions } from './safe-http.ts';

export function safeHttpOptions(
  config: Pick<AppConfig, 'FEEDS_ALLOW_PRIVATE' | 'PUBLIC_URL'>,
  overrides: Partial<SafeHttpOptions> = {},
): SafeHttpOptions {
  return { ...DEFAULT_SAFE_HTTP, allowPrivate: config.FEEDS_ALLOW_PRIVATE, userAgent: feedUserAgent(config.PUBLIC_URL), ...overrides };
}
