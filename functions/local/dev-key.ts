/**
 * The `npm start` dev key: API_KEY, or the key generated once into DATA_DIR. It has every scope
 * and no request limit (it is for local work), and there is only ever one: when the setting
 * changes, the previous dev key is revoked, so an old API_KEY stops working.
 */
import { type ApiKey, type ApiKeyStore, hashApiKey, newApiKeyRecord } from '../core/ingest/index.ts';

/** Names `npm start` gave its key before dev keys were marked, so a row from then is recognised and retired too. */
const LEGACY_DEV_KEY_NAMES = new Set(['API_KEY', 'local dev key']);

function isDevKey(key: ApiKey): boolean {
  return key.dev === true || (key.scopes === undefined && LEGACY_DEV_KEY_NAMES.has(key.name));
}

export interface DevKeyReport {
  /** The dev key's row was written (new key, or an old row marked as the dev key). */
  stored: boolean;
  /** Previous dev keys revoked now. */
  retired: ApiKey[];
}

export async function ensureDevKey(key: string, name: string, apiKeys: ApiKeyStore, now: Date): Promise<DevKeyReport> {
  const hash = hashApiKey(key);
  const existing = await apiKeys.get(hash);
  let stored = false;
  if (existing === undefined) {
    await apiKeys.put({ ...newApiKeyRecord(key, name, now.toISOString()), dev: true });
    stored = true;
  } else if (
    !existing.dev ||
    existing.requestsPerMinute !== undefined ||
    existing.scopes !== undefined ||
    (existing.disabled && isDevKey(existing))
  ) {
    // Whatever the row said, the dev key has every scope and no limit; one retired when the setting moved away comes back when it moves back.
    const { requestsPerMinute: _limit, scopes: _scopes, ...unlimited } = existing;
    await apiKeys.put({ ...unlimited, dev: true, disabled: existing.disabled && !isDevKey(existing) });
    stored = true;
  }
  const retired: ApiKey[] = [];
  for await (const other of apiKeys.list()) {
    if (other.hash === hash || other.disabled || !isDevKey(other)) continue;
    await apiKeys.put({ ...other, disabled: true });
    retired.push(other);
  }
  return { stored, retired };
}
