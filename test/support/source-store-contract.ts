/** The SourceStore part of the store contract (store-contract.ts registers it): what functions/core/sources/ports.ts promises. */
import { describe, expect, it } from 'vitest';
import type { SourceStore } from '../../functions/core/sources/index.ts';
import type { Source } from '../../functions/core/sources/types.ts';

export function source(overrides: Partial<Source> = {}): Source {
  return {
    id: 'a1b2c3d4e5f60718',
    url: 'https://news.example/feed.xml',
    topics: ['world'],
    fullText: false,
    state: 'active',
    consecutiveFailures: 0,
    nextPollAt: '2026-11-26T07:00:00.000Z',
    createdAt: '2026-11-26T06:00:00.000Z',
    ...overrides,
  };
}

async function all(store: SourceStore): Promise<Source[]> {
  const listed: Source[] = [];
  for await (const item of store.list()) listed.push(item);
  return listed;
}

export function sourceStoreContract(stores: () => Promise<{ sources: SourceStore }>): void {
  describe('SourceStore', () => {
    it('adds a source once; a second add of the same id keeps the first and says it exists', async () => {
      const { sources } = await stores();
      const first = source({ name: 'First' });

      expect(await sources.putIfAbsent(first)).toBe('created');
      expect(await sources.putIfAbsent(source({ name: 'Second' }))).toBe('exists');

      expect(await sources.get(first.id)).toEqual(first);
      expect(await sources.get('ffffffffffffffff')).toBeUndefined();
    });

    it('replaces a source on put, dropping the fields the new version lacks', async () => {
      const { sources } = await stores();
      const failing = source({
        state: 'failing',
        consecutiveFailures: 3,
        lastError: 'HTTP 500',
        failingSince: '2026-11-25T00:00:00.000Z',
        etag: '"v1"',
      });
      await sources.putIfAbsent(failing);
      const { lastError: _error, failingSince: _since, ...healed } = failing;

      await sources.put({ ...healed, state: 'active', consecutiveFailures: 0, lastSuccessAt: '2026-11-26T07:00:00.000Z' });

      expect(await sources.get(failing.id)).toEqual({
        ...healed,
        state: 'active',
        consecutiveFailures: 0,
        lastSuccessAt: '2026-11-26T07:00:00.000Z',
      });
    });

    it('lists every source in id order, and deletes one, saying whether it was there', async () => {
      const { sources } = await stores();
      const ids = ['0000000000000003', '0000000000000001', '0000000000000002'];
      for (const id of ids) await sources.putIfAbsent(source({ id, url: `https://news.example/${id}.xml` }));

      expect((await all(sources)).map((item) => item.id)).toEqual([...ids].sort());
      expect(await sources.delete('0000000000000001')).toBe(true);
      expect(await sources.delete('0000000000000001')).toBe(false);
      expect((await all(sources)).map((item) => item.id)).toEqual(['0000000000000002', '0000000000000003']);
    });
  });
}
