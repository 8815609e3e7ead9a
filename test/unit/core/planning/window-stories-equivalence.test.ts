import { describe, expect, it } from 'vitest';
import { buildEdition, type Edition, editionId, topicSet } from '../../../../functions/core/edition/index.ts';
import { storedEditionSource } from '../../../../functions/core/planning/index.ts';
import type { Article, ArticleStore } from '../../../../functions/core/ingest/index.ts';
import { FAMILIES } from '../../../fixtures/merge-set/index.ts';
import { HELD_OUT } from '../../../fixtures/merge-set/held-out.ts';
import { labelledArticle } from '../../../fixtures/merge-set/evaluate.ts';
import { seedBatchArticles, seedPageArticles } from '../../../support/news-fixtures.ts';
import { FakeRenderer, testSettings } from '../../../support/fakes.ts';
import { MemoryArticleStore, MemoryEditionStore } from '../../../support/memory-stores.ts';

/**
 * The shared path (one clustering per window, a re-ranking per topic set) against the path it
 * replaced (every variant read and clustered its window alone), edition by edition: stories,
 * order, sections, summaries, "also in", "more", subject and rendering.
 *
 * Deliberate differences between the two paths, by name with the reason. None: the shared path
 * only moves work (clustering, scoring, summaries) out of the per-variant loop.
 */
const DELIBERATE_DIFFERENCES: readonly { name: string; reason: string }[] = [];

const CREATED_AT = '2026-12-01T00:00:00.000Z';

/** The path before: each (window, topic set) read from the store and arranged on its own. */
async function editionAlone(store: ArticleStore, since: string, cutoff: string, topics: readonly string[], maxStories: number) {
  const articles: Article[] = [];
  for await (const article of store.listIngested(since, cutoff)) articles.push(article);
  if (articles.length === 0) return undefined;
  return buildEdition({ since, cutoff, articles, createdAt: CREATED_AT, topics }, new FakeRenderer(), testSettings({ maxStories }));
}

function comparable(edition: Edition | undefined) {
  if (!edition) return undefined;
  const { createdAt: _createdAt, ...rest } = edition;
  return rest;
}

/** Topics as a newsroom's feeds give them: the family's subject, some also "world", some none. */
function labelledWindow(): Article[] {
  const reports = [...FAMILIES, ...HELD_OUT].flatMap((family) =>
    family.events.flatMap((event) => event.reports.map((report) => ({ report, topic: family.name.split(',')[0]!.toLowerCase() }))),
  );
  return reports.map(({ report, topic }, index) => ({
    ...labelledArticle(report),
    topics: index % 5 === 4 ? [] : index % 3 === 0 ? [topic, 'world'] : [topic],
  }));
}

function seedWindow(): Article[] {
  const seeds = [...seedBatchArticles(), ...seedPageArticles()];
  return seeds.map((article, index) => ({
    ...article,
    ingestedAt: new Date(Date.parse('2026-11-25T06:00:00.000Z') + index * 3 * 3600_000).toISOString(),
    topics: article.topics.length > 0 ? article.topics : index % 2 === 0 ? ['world'] : ['middle east'],
  }));
}

/** Window starts: the whole set, and later starts that cut it (a daily reader's, a new reader's). */
function windowStarts(articles: readonly Article[]): string[] {
  const times = articles.map((article) => Date.parse(article.ingestedAt)).sort((a, b) => a - b);
  const at = (share: number) => new Date(times[Math.floor(share * (times.length - 1))]!).toISOString();
  return [new Date(times[0]! - 1).toISOString(), at(0.5), at(0.8), at(0.25)];
}

async function compareEverySetAndWindow(articles: readonly Article[], topicSets: readonly string[][]): Promise<number> {
  const store = new MemoryArticleStore();
  for (const article of articles) await store.putIfAbsent(article);
  const cutoff = new Date(Math.max(...articles.map((article) => Date.parse(article.ingestedAt))) + 60_000).toISOString();
  let compared = 0;
  for (const maxStories of [3, 12]) {
    const source = storedEditionSource(
      { articles: store, editions: new MemoryEditionStore(), renderer: new FakeRenderer(), settings: testSettings({ maxStories }) },
      CREATED_AT,
    );
    for (const since of windowStarts(articles)) {
      for (const topics of topicSets.map((set) => topicSet(set))) {
        const shared = await source.editionFor({ since, cutoff }, topics);
        const alone = await editionAlone(store, since, cutoff, topics, maxStories);
        expect(shared.created, `${since} ${topics.join(',')}`).toBe(alone !== undefined);
        expect(comparable(shared.edition), `window from ${since}, topics [${topics.join(', ')}], ${maxStories} stories`).toEqual(
          comparable(alone),
        );
        if (alone) compared += 1;
        expect(shared.edition?.id ?? editionId(since, cutoff, topics)).toBe(editionId(since, cutoff, topics));
      }
    }
  }
  return compared;
}

describe('editions of a window shared by its topic sets', () => {
  it('lists no deliberate difference from the per-variant path', () => {
    expect(DELIBERATE_DIFFERENCES.map((difference) => difference.name)).toEqual([]);
  });

  it('gives every variant of the labelled set the stories, order, sections and summaries it had when built alone', async () => {
    const articles = labelledWindow();
    const families = [...new Set(articles.flatMap((article) => article.topics))].filter((topic) => topic !== 'world');
    const compared = await compareEverySetAndWindow(articles, [
      [],
      [families[0]!],
      [families[1]!, families[2]!],
      ['World'],
      ['no such topic'],
      [families[3]!, 'world', families[4]!],
      [families.at(-1)!],
    ]);
    expect(compared).toBe(2 * 4 * 7);
  });

  it('does the same for the seed articles, the batch and the scraped page', async () => {
    const compared = await compareEverySetAndWindow(seedWindow(), [[], ['world'], ['middle east'], ['middle east', 'world'], ['sport']]);
    expect(compared).toBeGreaterThan(0);
  });

  it('reads the store once for a run whose windows nest, however many topic sets', async () => {
    const articles = labelledWindow();
    const inner = new MemoryArticleStore();
    for (const article of articles) await inner.putIfAbsent(article);
    const reads: [string, string][] = [];
    const counting: ArticleStore = Object.assign(Object.create(inner) as ArticleStore, {
      listIngested: (since: string, cutoff: string) => {
        reads.push([since, cutoff]);
        return inner.listIngested(since, cutoff);
      },
    });
    const source = storedEditionSource(
      { articles: counting, editions: new MemoryEditionStore(), renderer: new FakeRenderer(), settings: testSettings() },
      CREATED_AT,
    );
    const cutoff = new Date(Math.max(...articles.map((article) => Date.parse(article.ingestedAt))) + 60_000).toISOString();
    const [all, half, late] = windowStarts(articles);
    for (const since of [half!, late!, all!, half!]) {
      for (const topics of [[], ['world'], ['economy']]) await source.editionFor({ since, cutoff }, topics);
    }
    // The first window, then only the older range a wider window adds.
    expect(reads).toEqual([
      [half, cutoff],
      [all, half],
    ]);
  });
});
