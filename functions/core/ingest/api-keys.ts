/** Ingest API keys: only their sha256 is stored, so a table dump yields no usable key. */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyStore, RequestLimiter } from './ports.ts';
import { ApiKeyRateLimitedError, InvalidApiKeyError, MissingScopeError } from './errors.ts';
import type { ApiKey, ApiKeyScope, Publisher } from './types.ts';
import { ValidationError } from '../shared/index.ts';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random key with a recognisable prefix (so secret scanners and humans can spot one). */
export function generateApiKey(): string {
  return `dm_${randomBytes(24).toString('base64url')}`;
}

export function newApiKeyRecord(key: string, name: string, createdAt: string, expiresAt?: string): ApiKey {
  return { hash: hashApiKey(key), name, createdAt, disabled: false, ...(expiresAt !== undefined && { expiresAt }) };
}

export const API_KEY_SCOPES = ['ingest', 'sources', 'takedown', 'admin'] as const satisfies readonly ApiKeyScope[];

/** What `digest keys create` gives a key unless told otherwise: posting articles, and taking down its own. */
export const DEFAULT_SCOPES: readonly ApiKeyScope[] = ['ingest'];

/** `ingest,sources` as a list of scopes; an unknown or empty entry is refused, naming it and the known ones. */
export function parseScopes(list: string): ApiKeyScope[] {
  const names = list.split(',').map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !(API_KEY_SCOPES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    const shown = unknown.map((name) => (name === '' ? '(empty)' : `"${name}"`)).join(', ');
    const message = `unknown scope ${shown}; the scopes are ${API_KEY_SCOPES.join(', ')}`;
    throw new ValidationError(message, [{ field: 'scopes', message }]);
  }
  return [...new Set(names as ApiKeyScope[])];
}

/** Keys made before scopes existed have every scope until replaced; `admin` includes every other. */
export function hasScope(key: Pick<ApiKey, 'scopes'>, scope: ApiKeyScope): boolean {
  if (key.scopes === undefined) return true;
  return key.scopes.includes('admin') || key.scopes.includes(scope);
}

/** MissingScopeError, naming the scope, unless the key has it. */
export function requireScope(key: Pick<ApiKey, 'scopes'>, scope: ApiKeyScope): void {
  if (!hasScope(key, scope)) throw new MissingScopeError(scope);
}

/** How `digest keys list` shows a key's scopes. */
export function scopesLabel(key: Pick<ApiKey, 'scopes' | 'dev'>): string {
  if (key.dev) return 'all (dev key)';
  return key.scopes === undefined ? 'all (legacy)' : key.scopes.join(',');
}

/** The publisher an article posted with this key records (and its id includes): the whole hash, which no one can choose. */
export function keyPublisher(key: Pick<ApiKey, 'hash' | 'createdAt'>): Publisher {
  return { id: `key:${key.hash}`, since: key.createdAt };
}

const REFUSAL = 'Missing or invalid x-api-key header.';

/** The key's record, or InvalidApiKeyError; a key whose expiry has passed at `now` is refused saying so. */
export async function authenticateApiKey(key: string | undefined, keys: ApiKeyStore, now: Date): Promise<ApiKey> {
  if (!key) throw new InvalidApiKeyError(REFUSAL, 'missing');
  // Far longer than any key generateApiKey makes: refused before it is hashed or looked up.
  const record = key.length > 200 ? undefined : await keys.get(hashApiKey(key));
  if (!record) throw new InvalidApiKeyError(REFUSAL, 'unknown');
  if (record.disabled) throw new InvalidApiKeyError(REFUSAL, 'revoked');
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime()) {
    // Saying "expired" tells the publisher to ask for a new key rather than debug their header.
    throw new InvalidApiKeyError(`This x-api-key expired at ${record.expiresAt}; ask the operator for a new key.`, 'expired');
  }
  return record;
}

/** What `digest keys create` gives a new key unless told otherwise. */
export const DEFAULT_REQUESTS_PER_MINUTE = 60;
const MINUTE_SECONDS = 60;

/**
 * Counts one request for `key` against its per-minute limit, in counters keyed by the key's hash
 * (no key reaches them) and shared by every instance; ApiKeyRateLimitedError past the limit.
 */
export async function throttleApiKey(key: ApiKey, limits: RequestLimiter, now: Date): Promise<void> {
  if (key.requestsPerMinute === undefined) return;
  if (await limits.hit(`apikey#${key.hash}`, key.requestsPerMinute, MINUTE_SECONDS, now)) return;
  const retryAfterSeconds = MINUTE_SECONDS - (Math.floor(now.getTime() / 1000) % MINUTE_SECONDS);
  throw new ApiKeyRateLimitedError(
    `This x-api-key is limited to ${key.requestsPerMinute} requests a minute; retry after ${retryAfterSeconds} s.`,
    retryAfterSeconds,
  );
}
