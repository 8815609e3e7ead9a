import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authenticateApiKey,
  generateApiKey,
  hashApiKey,
  newApiKeyRecord,
} from '../../functions/core/ingest/api-keys.ts';
import { InvalidApiKeyError } from '../../functions/core/ingest/errors.ts';
import { MemoryApiKeyStore } from '../support/fakes.ts';

const CREATED_AT = '2026-11-26T07:00:00.000Z';

async function storeWith(key: string, disabled = false): Promise<MemoryApiKeyStore> {
  const keys = new MemoryApiKeyStore();
  await keys.put({ ...newApiKeyRecord(key, 'newsroom feed', CREATED_AT), disabled });
  return keys;
}

/** Why authenticateApiKey refused, failing the test unless it threw InvalidApiKeyError. */
async function refusal(attempt: Promise<unknown>): Promise<InvalidApiKeyError['reason']> {
  const error = await attempt.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(InvalidApiKeyError);
  return (error as InvalidApiKeyError).reason;
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
    expect(await refusal(authenticateApiKey(generateApiKey(), keys))).toBe('unknown');
  });

  it('rejects the stored hash presented as a key', async () => {
    const key = generateApiKey();
    const keys = await storeWith(key);
    expect(await refusal(authenticateApiKey(hashApiKey(key), keys))).toBe('unknown');
  });

  it('rejects a disabled key', async () => {
    const key = generateApiKey();
    const keys = await storeWith(key, true);
    expect(await refusal(authenticateApiKey(key, keys))).toBe('revoked');
  });

  it.each([
    ['a missing key', undefined, 'missing'],
    ['an empty key', '', 'missing'],
    ['an absurdly long key', `dm_${'x'.repeat(500)}`, 'unknown'],
  ] as const)('rejects %s', async (_label, presented, reason) => {
    const keys = await storeWith(generateApiKey());
    expect(await refusal(authenticateApiKey(presented, keys))).toBe(reason);
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
