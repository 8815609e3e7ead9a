import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authenticateApiKey,
  generateApiKey,
  hashApiKey,
  newApiKeyRecord,
} from '../../functions/core/ingest/api-keys.ts';
import { UnauthorizedError } from '../../functions/core/shared/errors.ts';
import { MemoryApiKeyStore } from '../support/fakes.ts';

const CREATED_AT = '2026-11-26T07:00:00.000Z';

async function storeWith(key: string, disabled = false): Promise<MemoryApiKeyStore> {
  const keys = new MemoryApiKeyStore();
  await keys.put({ ...newApiKeyRecord(key, 'newsroom feed', CREATED_AT), disabled });
  return keys;
}

describe('API keys', () => {
  it('stores only the sha256 of a key, never the key', async () => {
    const key = generateApiKey();
    const keys = await storeWith(key);

    const [stored] = keys.all();
    expect(stored).toEqual({
      hash: createHash('sha256').update(key).digest('hex'),
      name: 'newsroom feed',
      createdAt: CREATED_AT,
      disabled: false,
    });
    expect(JSON.stringify(keys.all())).not.toContain(key);
    expect(JSON.stringify(keys.all())).not.toContain(key.slice(3));
  });

  it('generates distinct keys with a recognisable prefix', () => {
    const generated = new Set(Array.from({ length: 50 }, generateApiKey));
    expect(generated.size).toBe(50);
    for (const key of generated) expect(key).toMatch(/^dm_[A-Za-z0-9_-]{32}$/);
  });

  it('hashes deterministically and differently for different keys', () => {
    expect(hashApiKey('dm_one')).toBe(hashApiKey('dm_one'));
    expect(hashApiKey('dm_one')).not.toBe(hashApiKey('dm_two'));
  });

  it('accepts a stored key and returns its record', async () => {
    const key = generateApiKey();
    const keys = await storeWith(key);
    expect(await authenticateApiKey(key, keys)).toMatchObject({ name: 'newsroom feed', hash: hashApiKey(key) });
  });

  it('rejects a key it does not know', async () => {
    const keys = await storeWith(generateApiKey());
    await expect(authenticateApiKey(generateApiKey(), keys)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('rejects the stored hash presented as a key', async () => {
    const key = generateApiKey();
    const keys = await storeWith(key);
    await expect(authenticateApiKey(hashApiKey(key), keys)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('rejects a disabled key', async () => {
    const key = generateApiKey();
    const keys = await storeWith(key, true);
    await expect(authenticateApiKey(key, keys)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it.each([
    ['a missing key', undefined],
    ['an empty key', ''],
    ['an absurdly long key', `dm_${'x'.repeat(500)}`],
  ])('rejects %s', async (_label, presented) => {
    const keys = await storeWith(generateApiKey());
    await expect(authenticateApiKey(presented, keys)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('gives the same message whatever was wrong, so a caller learns nothing about stored keys', async () => {
    const disabledKey = generateApiKey();
    const keys = await storeWith(disabledKey, true);
    const messages = await Promise.all(
      [undefined, generateApiKey(), disabledKey].map((presented) =>
        authenticateApiKey(presented, keys).then(
          () => 'accepted',
          (error: Error) => error.message,
        ),
      ),
    );
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).not.toBe('accepted');
  });
});
