import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../../functions/core/shared/lru-cache.ts';
import { EDITION_CACHE_ENTRIES, EDITION_CACHE_MAX_AGE_MS, newEditionCache } from '../../../../functions/core/delivery/send-chunk.ts';
import type { Edition } from '../../../../functions/core/edition/index.ts';

describe('LruCache', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);

    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('refuses a size that could not hold anything', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});

describe('the sender edition cache', () => {
  it('is bounded, so a warm sender that meets edition after edition does not grow', () => {
    const cache = newEditionCache({ now: () => new Date(0) });
    for (let i = 0; i < EDITION_CACHE_ENTRIES * 3; i += 1) cache.set(`edition-${i}`, new Promise(() => undefined));
    expect(cache.size).toBe(EDITION_CACHE_ENTRIES);
  });

  it('reads an edition again once its copy is older than the maximum age, so a withdrawn story stops going out', () => {
    let nowMs = 0;
    const cache = newEditionCache({ now: () => new Date(nowMs) });
    const edition = Promise.resolve({ id: 'e1' } as Edition);
    cache.set('e1', edition);
    nowMs = EDITION_CACHE_MAX_AGE_MS - 1;
    expect(cache.get('e1')).toBe(edition);
    nowMs = EDITION_CACHE_MAX_AGE_MS;
    expect(cache.get('e1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
