import { describe, expect, it } from 'vitest';
import { LruCache } from '../../functions/core/shared/lru-cache.ts';
import { EDITION_CACHE_ENTRIES, newEditionCache } from '../../functions/core/delivery/send-chunk.ts';

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
    const cache = newEditionCache() as LruCache<string, Promise<never>>;
    for (let i = 0; i < EDITION_CACHE_ENTRIES * 3; i += 1) cache.set(`edition-${i}`, new Promise(() => undefined));
    expect(cache.size).toBe(EDITION_CACHE_ENTRIES);
  });
});
