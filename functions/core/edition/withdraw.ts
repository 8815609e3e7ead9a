/**
 * Takedowns: a publisher withdraws an article (DELETE /articles/{id}, `digest articles remove`).
 * It leaves every stored edition that shows it, so no later send, web edition or archive entry
 * carries it, and each such edition says that a story was withdrawn; the article keeps its id
 * and text (hidden, until the article TTL), so no later edition takes it, a re-post is a
 * duplicate, and a restore (POST /articles/{id}/restore) brings it back for the next editions.
 * What was already delivered cannot be called back.
 */
import { type Clock, type Settings, ValidationError } from '../shared/index.ts';
import { type Article, ARTICLE_ID_PATTERN, ArticleNotFoundError, type ArticleStore, MissingScopeError } from '../ingest/index.ts';
import { renderEdition, storySummary } from './edition.ts';
import type { DigestRenderer, EditionStore } from './ports.ts';
import type { Edition, Story } from './types.ts';

export interface WithdrawDeps {
  articles: ArticleStore;
  editions: EditionStore;
  renderer: DigestRenderer;
  clock: Clock;
  settings: Pick<Settings, 'digestName' | 'publicUrl'>;
}

export interface WithdrawReport {
  articleId: string;
  withdrawnAt: string;
  /** Ids of the editions it was taken out of (none when it was in none, or on a repeat). */
  editions: string[];
}

/**
 * Who asks for a takedown or a restore: a key with the takedown scope may act on any article;
 * one with only the ingest scope (`onlyPublisher`) on the articles it posted.
 */
export interface TakedownActor {
  onlyPublisher?: string;
}

function checkedId(id: string): string {
  if (!ARTICLE_ID_PATTERN.test(id)) {
    throw new ValidationError('That is not an article id.', [{ field: 'id', message: 'must be the 64 hex digits that ingest returned' }]);
  }
  return id;
}

/** ArticleNotFoundError when there is no such article; MissingScopeError when the actor may act only on their own and it is not. */
async function checkActor(id: string, actor: TakedownActor, articles: ArticleStore): Promise<void> {
  if (actor.onlyPublisher === undefined) return;
  const article = await articles.get(id);
  if (article === undefined) throw new ArticleNotFoundError(`There is no article ${id}.`);
  if (article.publisher !== actor.onlyPublisher) throw new MissingScopeError('takedown', ', and this article was not posted with it.');
}

export async function withdrawArticle(id: string, deps: WithdrawDeps, actor: TakedownActor = {}): Promise<WithdrawReport> {
  checkedId(id);
  await checkActor(id, actor, deps.articles);
  const article = await deps.articles.withdraw(id, deps.clock.now().toISOString());
  if (article === undefined) throw new ArticleNotFoundError(`There is no article ${id}.`);
  const withdrawnAt = article.withdrawnAt ?? deps.clock.now().toISOString();
  const revised: string[] = [];
  // An edition holds the articles ingested in its window, and is created after its window ends.
  for await (const edition of deps.editions.listCreatedSince(article.ingestedAt)) {
    const stripped = withoutArticle(edition, id, withdrawnAt);
    if (stripped === undefined) continue;
    const without = await withGapFilled(edition, stripped, deps.articles);
    const content = await renderEdition({ ...edition, ...without }, deps.renderer, deps.settings);
    await deps.editions.replaceContent(edition.id, { ...content, ...without });
    revised.push(edition.id);
  }
  return { articleId: id, withdrawnAt, editions: revised };
}

export interface RestoreReport {
  articleId: string;
  status: 'restored' | 'shown';
  /** From when later editions take it again. */
  ingestedAt: string;
}

/**
 * Undoes a takedown: the article is shown again in editions made from now on (its ingest time
 * moves to now, so every reader's next edition takes it); editions already made, sent or not,
 * keep the withdrawal. Restoring an article that is shown changes nothing (status `shown`).
 */
export async function restoreArticle(
  id: string,
  deps: Pick<WithdrawDeps, 'articles' | 'clock'>,
  actor: TakedownActor = {},
): Promise<RestoreReport> {
  checkedId(id);
  await checkActor(id, actor, deps.articles);
  const before = await deps.articles.get(id);
  if (before === undefined) throw new ArticleNotFoundError(`There is no article ${id}.`);
  if (before.withdrawnAt === undefined) return { articleId: id, status: 'shown', ingestedAt: before.ingestedAt };
  const restored = await deps.articles.restore(id, deps.clock.now().toISOString());
  if (restored === undefined) throw new ArticleNotFoundError(`There is no article ${id}.`);
  return { articleId: id, status: 'restored', ingestedAt: restored.ingestedAt };
}

/**
 * A story taken out of the email's list leaves a gap the next-ranked story fills, as it would
 * have had the article never been sent: the first of "more stories" moves up with a summary
 * made from its article (found in the edition's window). Without its article it moves up as a
 * headline.
 */
async function withGapFilled<T extends Pick<Edition, 'stories' | 'moreStories'>>(
  edition: Pick<Edition, 'stories' | 'since' | 'cutoff'>,
  without: T,
  articles: ArticleStore,
): Promise<T> {
  const gap = edition.stories.length - without.stories.length;
  const rising = without.moreStories.slice(0, gap);
  if (rising.length === 0) return without;
  const wanted = new Set(rising.map((story) => story.articleId));
  const found = new Map<string, Article>();
  for await (const article of articles.listIngested(edition.since, edition.cutoff)) {
    if (wanted.has(article.id)) found.set(article.id, article);
  }
  const risen = rising.map((story) => {
    const article = found.get(story.articleId);
    return article ? { ...story, summary: storySummary(article) } : story;
  });
  return { ...without, stories: [...without.stories, ...risen], moreStories: without.moreStories.slice(rising.length) };
}

/**
 * The edition's stories without the article: a story it leads goes (its summary is the
 * article's own text), and as another source it leaves the story's "also in". Undefined when
 * the edition does not show it.
 */
export function withoutArticle(
  edition: Pick<Edition, 'stories' | 'moreStories' | 'withdrawn'>,
  articleId: string,
  at: string,
): (Pick<Edition, 'stories' | 'moreStories'> & { withdrawn: NonNullable<Edition['withdrawn']> }) | undefined {
  let found = false;
  const strip = (stories: readonly Story[]): Story[] =>
    stories.flatMap((story) => {
      if (story.articleId === articleId) {
        found = true;
        return [];
      }
      const alsoIn = story.alsoIn.filter((other) => other.articleId !== articleId);
      if (alsoIn.length === story.alsoIn.length) return [story];
      found = true;
      return [{ ...story, alsoIn }];
    });
  const stories = strip(edition.stories);
  const moreStories = strip(edition.moreStories);
  if (!found) return undefined;
  return { stories, moreStories, withdrawn: [...(edition.withdrawn ?? []), { articleId, at }] };
}
