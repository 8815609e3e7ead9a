/**
 * Interleaves several async iterables, pulling from at most `concurrency` at once and yielding
 * values as they arrive. Each source has at most one pending `next()`, so memory stays bounded.
 */
export async function* mergeAsync<T>(sources: Iterable<AsyncIterable<T>>, concurrency: number): AsyncGenerator<T> {
  const waiting = sources[Symbol.iterator]();
  const running = new Map<AsyncIterator<T>, Promise<{ iterator: AsyncIterator<T>; result: IteratorResult<T> }>>();

  const pull = (iterator: AsyncIterator<T>) => {
    running.set(
      iterator,
      iterator.next().then((result) => ({ iterator, result })),
    );
  };
  const startNext = () => {
    const source = waiting.next();
    if (!source.done) pull(source.value[Symbol.asyncIterator]());
  };

  try {
    for (let started = 0; started < concurrency; started++) startNext();
    while (running.size > 0) {
      const { iterator, result } = await Promise.race(running.values());
      if (result.done) {
        running.delete(iterator);
        startNext();
      } else {
        pull(iterator);
        yield result.value;
      }
    }
  } finally {
    // Early exit or a failed source: release the others; their in-flight pages are abandoned, errors included.
    for (const [iterator, pending] of running) {
      pending.catch(() => undefined);
      iterator.return?.()?.catch(() => undefined);
    }
  }
}
