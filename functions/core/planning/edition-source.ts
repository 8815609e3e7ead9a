/**
 * Where a plan run gets the edition for a reader's window and topic set. The run's source reads
 * the articles of its windows once (WindowArticles), clusters and scores each window once
 * (windowStories), and makes each topic set's variant by re-ranking those stories and rendering
 * them: readers' topic choices add a ranking and a render each, never a clustering.
 */
import type { ArticleStore } from '../ingest/index.ts';
import type { Settings } from '../shared/index.ts';
import {
  type DigestRenderer,
  type Edition,
  editionId,
  editionOf,
  type EditionStore,
  type SummaryMemo,
  windowStories,
  type WindowStories,
} from '../edition/index.ts';
import { WindowArticles } from './window-articles.ts';

/** Articles ingested after `since` and up to `cutoff`. */
export interface EditionWindow {
  since: string;
  cutoff: string;
}

export interface EditionSource {
  /**
   * The edition of `window` ordered for `topics` (sorted, as topicSet gives them): the one stored,
   * or one built and stored now (`created`); undefined when the window holds no articles.
   */
  editionFor(window: EditionWindow, topics: readonly string[]): Promise<{ edition: Edition | undefined; created: boolean }>;
}

/**
 * Builds each edition from the article store with the renderer, and keeps it in the edition
 * store; `createdAt` stamps what it builds. One source serves one run: it keeps the run's
 * articles, stories and summaries until the run ends.
 */
export function storedEditionSource(
  deps: { articles: ArticleStore; editions: EditionStore; renderer: DigestRenderer; settings: Settings },
  createdAt: string,
): EditionSource {
  const articles = new WindowArticles(deps.articles);
  const summaries: SummaryMemo = new Map();
  const windows = new Map<string, Promise<WindowStories>>();
  const storiesOf = (since: string, cutoff: string): Promise<WindowStories> => {
    const key = `${since}|${cutoff}`;
    let stories = windows.get(key);
    if (!stories) {
      stories = articles.of(since, cutoff).then((inWindow) => windowStories(inWindow, { cutoff, summaries }));
      windows.set(key, stories);
      stories.catch(() => windows.delete(key));
    }
    return stories;
  };
  return {
    async editionFor({ since, cutoff }, topics) {
      const existing = await deps.editions.get(editionId(since, cutoff, topics));
      if (existing) return { edition: existing, created: false };
      const stories = await storiesOf(since, cutoff);
      if (stories.size === 0) return { edition: undefined, created: false };
      const arranged = stories.arrange({ maxStories: deps.settings.maxStories, topics });
      const built = await editionOf({ since, cutoff, createdAt, topics, ...arranged }, deps.renderer, deps.settings);
      return deps.editions.createIfAbsent(built);
    },
  };
}
