import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticateApiKey, generateApiKey, hashApiKey, newApiKeyRecord } from '../../../../functions/core/ingest/api-keys.ts';
import { InvalidApiKeyError } from '../../../../functions/core/ingest/errors.ts';
import { MemoryApiKeyStore, MemoryRateLimiter } from '../../../support/fakes.ts';
import { throttleApiKey } from '../../../../functions/core/ingest/api-keys.ts';
import { ApiKeyRateLimitedError } from '../../../../functions/core/ingest/errors.ts';
import { keyExpiry, keyScopes } from '../../../../functions/cli/keys.ts';
import { DEFAULT_SCOPES, hasScope, scopesLabel } from '../../../../functions/core/ingest/api-keys.ts';
import { ensureDevKey } from '../../../../functions/local/dev-key.ts';
import { CliError } from '../../../../functions/cli/cli-error.ts';

const CREATED_AT = '2026-11-26T07:00:00.000Z';
const NOW = new Date('2026-11-27T07:00:00.000Z');

async function storeWith(key: string, disabled = false): Promise<MemoryApiKeyStore> {
  const keys = new MemoryApiKeyStore();
  await keys.put({ ...newApiKeyRecord(key, 'newsroom feed', CREATED_AT), disabled });
  return keys;
}

/** Why authenticateApiKey refused, failing the test unless it threw InvalidApiKeyError. */
async function refusal(attempt: Promise<unknown>): Promise<InvalidApiKeyError['reason']> {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
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
    expect(await authenticateApiKey(key, keys, NOW)).toMatchObject({ name: 'newsroom feed', hash: hashApiKey(key) });
  });

  it('rejects a key it does not know', async () => {
    const keys = await storeWith(generateApiKey());
    expect(await refusal(authenticateApiKey(generateApiKey(), keys, NOW))).toBe('unknown');
  });

  it('rejects the stored hash presented as a key', async () => {
    const key = generateApiKey();
    const keys = await storeWith(key);
    expect(await refusal(authenticateApiKey(hashApiKey(key), keys, NOW))).toBe('unknown');
  });

  it('rejects a disabled key', async () => {
    const key = generateApiKey();
    const keys = await storeWith(key, true);
    expect(await refusal(authenticateApiKey(key, keys, NOW))).toBe('revoked');
  });

  it.each([
    ['a missing key', undefined, 'missing'],
    ['an empty key', '', 'missing'],
    ['an absurdly long key', `dm_${'x'.repeat(500)}`, 'unknown'],
  ] as const)('rejects %s', async (_label, presented, reason) => {
    const keys = await storeWith(generateApiKey());
    expect(await refusal(authenticateApiKey(presented, keys, NOW))).toBe(reason);
  });

  it('gives the same message whatever was wrong, so a caller learns nothing about stored keys', async () => {
    const disabledKey = generateApiKey();
    const keys = await storeWith(disabledKey, true);
    const messages = await Promise.all(
      [undefined, generateApiKey(), disabledKey].map((presented) =>
        authenticateApiKey(presented, keys, NOW).then(
          () => 'accepted',
          (error: Error) => error.message,
        ),
      ),
    );
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).not.toBe('accepted');
  });

  it('accepts a key before its expiry and refuses it from that instant on, saying it expired', async () => {
    const key = generateApiKey();
    const keys = new MemoryApiKeyStore();
    await keys.put(newApiKeyRecord(key, 'trial', CREATED_AT, '2026-12-01T00:00:00.000Z'));

    expect(await authenticateApiKey(key, keys, new Date('2026-11-30T23:59:59.999Z'))).toMatchObject({ name: 'trial' });
    expect(await refusal(authenticateApiKey(key, keys, new Date('2026-12-01T00:00:00.000Z')))).toBe('expired');
    const error = await authenticateApiKey(key, keys, new Date('2027-01-01T00:00:00.000Z')).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/expired at 2026-12-01T00:00:00.000Z/);
  });

  it('never expires a key created without an expiry', async () => {
    const key = generateApiKey();
    const keys = await storeWith(key);
    expect(await authenticateApiKey(key, keys, new Date('2126-01-01T00:00:00.000Z'))).toMatchObject({ name: 'newsroom feed' });
  });
});

describe('digest keys create expiry options', () => {
  const now = new Date('2026-11-30T04:00:00.000Z');

  it.each([
    [{ expiresIn: '30d' }, '2026-12-30T04:00:00.000Z'],
    [{ expiresIn: '12h' }, '2026-11-30T16:00:00.000Z'],
    [{ expiresIn: '90m' }, '2026-11-30T05:30:00.000Z'],
    [{ expires: '2027-01-31T12:00:00Z' }, '2027-01-31T12:00:00.000Z'],
    [{ expires: '2027-01-31' }, '2027-01-31T00:00:00.000Z'],
    [{}, undefined],
  ])('turns %o into expiry %s', (options, expected) => {
    expect(keyExpiry(options, now)).toBe(expected);
  });

  it.each([
    [{ expiresIn: '30' }, /--expires-in/],
    [{ expiresIn: '0d' }, /--expires-in/],
    [{ expiresIn: '2w' }, /--expires-in/],
    [{ expires: 'tomorrow' }, /--expires must be/],
    [{ expires: '2020-01-01' }, /already past/],
    [{ expiresIn: '1d', expires: '2027-01-01' }, /not both/],
  ])('refuses %o naming the option', (options, message) => {
    expect(() => keyExpiry(options, now)).toThrow(CliError);
    expect(() => keyExpiry(options, now)).toThrow(message);
  });
});

describe('per-key request limit', () => {
  const key = { ...newApiKeyRecord('dm_busy', 'busy', CREATED_AT), requestsPerMinute: 2 };

  it('lets a key make its requests per minute, refuses the next with the seconds left in the minute, and counts afresh after', async () => {
    const limits = new MemoryRateLimiter();
    const at = new Date('2026-11-30T04:00:15.000Z');
    await throttleApiKey(key, limits, at);
    await throttleApiKey(key, limits, at);

    const error = await throttleApiKey(key, limits, at).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiKeyRateLimitedError);
    expect((error as ApiKeyRateLimitedError).retryAfterSeconds).toBe(45);

    await expect(throttleApiKey(key, limits, new Date('2026-11-30T04:01:00.000Z'))).resolves.toBeUndefined();
  });

  it('counts each key on its own', async () => {
    const limits = new MemoryRateLimiter();
    const other = { ...newApiKeyRecord('dm_other', 'other', CREATED_AT), requestsPerMinute: 2 };
    const at = new Date('2026-11-30T04:00:15.000Z');
    await throttleApiKey(key, limits, at);
    await throttleApiKey(key, limits, at);
    await expect(throttleApiKey(other, limits, at)).resolves.toBeUndefined();
  });

  it('leaves keys made before limits unlimited', async () => {
    const limits = new MemoryRateLimiter();
    const legacy = newApiKeyRecord('dm_legacy', 'legacy', CREATED_AT);
    for (let i = 0; i < 500; i += 1) await throttleApiKey(legacy, limits, new Date('2026-11-30T04:00:15.000Z'));
  });
});

describe('key scopes', () => {
  it('parses --scopes, refusing an unknown scope by name and listing the known ones', () => {
    expect(keyScopes('ingest, Sources,ingest')).toEqual(['ingest', 'sources']);
    expect(() => keyScopes('ingest,publish')).toThrow(CliError);
    expect(() => keyScopes('ingest,publish')).toThrow(/unknown scope "publish"; the scopes are ingest, sources, takedown, admin/);
    expect(() => keyScopes('')).toThrow(/unknown scope \(empty\)/);
  });

  it('gives legacy keys (no scopes stored) and admin keys every scope; others only theirs', () => {
    expect(hasScope({}, 'sources')).toBe(true);
    expect(hasScope({ scopes: ['admin'] }, 'takedown')).toBe(true);
    expect(hasScope({ scopes: ['ingest'] }, 'sources')).toBe(false);
    expect(scopesLabel({})).toBe('all (legacy)');
    expect(scopesLabel({ dev: true })).toBe('all (dev key)');
    expect(scopesLabel({ scopes: ['ingest', 'sources'] })).toBe('ingest,sources');
    expect(DEFAULT_SCOPES).toEqual(['ingest']);
  });
});

describe('the npm start dev key', () => {
  const at = new Date('2026-12-01T09:00:00.000Z');

  it('stores API_KEY unlimited with every scope, and revokes the previous dev key when the setting changes', async () => {
    const keys = new MemoryApiKeyStore();
    const other = generateApiKey();
    await keys.put({ ...newApiKeyRecord(other, 'publisher', CREATED_AT), scopes: ['ingest'], requestsPerMinute: 60 });
    const first = generateApiKey();
    const second = generateApiKey();

    expect(await ensureDevKey(first, 'API_KEY', keys, at)).toEqual({ stored: true, retired: [] });
    const report = await ensureDevKey(second, 'API_KEY', keys, at);

    expect(report.retired.map((key) => key.hash)).toEqual([hashApiKey(first)]);
    expect(await keys.get(hashApiKey(first))).toMatchObject({ disabled: true });
    expect(await keys.get(hashApiKey(second))).toMatchObject({ disabled: false, dev: true });
    expect((await keys.get(hashApiKey(second)))?.requestsPerMinute).toBeUndefined();
    expect(await keys.get(hashApiKey(other))).toMatchObject({ disabled: false });
    await expect(authenticateApiKey(first, keys, at)).rejects.toThrow(InvalidApiKeyError);
    expect(hasScope(await authenticateApiKey(second, keys, at), 'takedown')).toBe(true);
  });

  it('recognises a dev key row from before dev keys were marked, and brings a retired dev key back when the setting returns to it', async () => {
    const keys = new MemoryApiKeyStore();
    const old = generateApiKey();
    await keys.put(newApiKeyRecord(old, 'local dev key', CREATED_AT));
    const next = generateApiKey();

    expect((await ensureDevKey(next, 'API_KEY', keys, at)).retired.map((key) => key.name)).toEqual(['local dev key']);
    expect(await ensureDevKey(old, 'local dev key', keys, at)).toMatchObject({ stored: true });
    expect(await keys.get(hashApiKey(old))).toMatchObject({ disabled: false, dev: true });
    expect(await keys.get(hashApiKey(next))).toMatchObject({ disabled: true });
    expect(await ensureDevKey(old, 'local dev key', keys, at)).toEqual({ stored: false, retired: [] });
  });
});
