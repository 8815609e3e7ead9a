/**
 * The articles of a run's windows, read from the store once. Every window of a run ends at the
 * run's cutoff and only their starts differ (daily, weekly and new readers), so the widest
 * window holds every other: it is read once, widened by the missing older range when a wider
 * window comes up, and each window is its newest part, in the store's order.
 */
import type { Article, ArticleStore } from '../ingest/index.ts';

interface Loaded {
  since: string;
  sinceMs: number;
  /** In the store's order: by ingest time, then id. */
  articles: Article[];
}

export class WindowArticles {
  readonly #store: ArticleStore;
  readonly #loaded = new Map<string, Loaded>();
  #reading: Promise<unknown> = Promise.resolve();

  constructor(store: ArticleStore) {
    this.#store = store;
  }

  /** Articles ingested after `since` and up to `cutoff`, as listIngested(since, cutoff) yields them. */
  async of(since: string, cutoff: string): Promise<readonly Article[]> {
    // One read at a time: two windows asked together must not both read the same older range.
    const read = this.#reading.then(() => this.#widen(since, cutoff));
    this.#reading = read.catch(() => undefined);
    const loaded = await read;
    const sinceMs = Date.parse(since);
    if (sinceMs <= loaded.sinceMs) return loaded.articles;
    const first = loaded.articles.findIndex((article) => Date.parse(article.ingestedAt) > sinceMs);
    return first < 0 ? [] : loaded.articles.slice(first);
  }

  async #widen(since: string, cutoff: string): Promise<Loaded> {
    const sinceMs = Date.parse(since);
    const known = this.#loaded.get(cutoff);
    if (known && known.sinceMs <= sinceMs) return known;
    const older: Article[] = [];
    for await (const article of this.#store.listIngested(since, known?.since ?? cutoff)) older.push(article);
    const loaded = { since, sinceMs, articles: known ? [...older, ...known.articles] : older };
    this.#loaded.set(cutoff, loaded);
    return loaded;
  }
}
