/**
 * Where a plan run gets the edition for a reader's window and topic set. Today's source builds
 * it from the window's articles (clustering and summarising them for that topic set) and stores
 * it once; another source can share that work across topic sets without the planner changing.
 */
import type { Article, ArticleStore } from '../ingest/index.ts';
import type { Settings } from '../shared/index.ts';
import { buildEdition, type DigestRenderer, type Edition, editionId, type EditionStore } from '../edition/index.ts';

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

/** Builds each edition from the article store with the renderer, and keeps it in the edition store; `createdAt` stamps what it builds. */
export function storedEditionSource(
  deps: { articles: ArticleStore; editions: EditionStore; renderer: DigestRenderer; settings: Settings },
  createdAt: string,
): EditionSource {
  return {
    async editionFor({ since, cutoff }, topics) {
      const existing = await deps.editions.get(editionId(since, cutoff, topics));
      if (existing) return { edition: existing, created: false };
      const articles: Article[] = [];
      for await (const article of deps.articles.listIngested(since, cutoff)) articles.push(article);
      if (articles.length === 0) return { edition: undefined, created: false };
      const built = await buildEdition({ since, cutoff, articles, createdAt, topics }, deps.renderer, deps.settings);
      return deps.editions.createIfAbsent(built);
    },
  };
}
