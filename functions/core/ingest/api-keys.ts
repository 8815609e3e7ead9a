/** Ingest API keys: only their sha256 is stored, so a table dump yields no usable key. */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyStore } from './ports.ts';
import { UnauthorizedError } from '../shared/index.ts';
import type { ApiKey } from './types.ts';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random key with a recognisable prefix (so secret scanners and humans can spot one). */
export function generateApiKey(): string {
  return `dm_${randomBytes(24).toString('base64url')}`;
}

export function newApiKeyRecord(key: string, name: string, createdAt: string): ApiKey {
  return { hash: hashApiKey(key), name, createdAt, disabled: false };
}

export async function authenticateApiKey(key: string | undefined, keys: ApiKeyStore): Promise<ApiKey> {
  if (!key || key.length > 200) throw new UnauthorizedError('Missing or invalid x-api-key header.');
  const record = await keys.get(hashApiKey(key));
  if (!record || record.disabled) throw new UnauthorizedError('Missing or invalid x-api-key header.');
  return record;
}
