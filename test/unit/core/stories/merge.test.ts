import { describe, expect, it } from 'vitest';
import { clusterArticles, DUPLICATE_THRESHOLD, leadSimilarities } from '../../../../functions/core/stories/merge.ts';
import type { Article } from '../../../../functions/core/ingest/types.ts';
import { anArticle } from '../../../support/fakes.ts';
import { seedBatchArticles, seedPageArticles } from '../../../support/news-fixtures.ts';
import { DIFFERENT_EVENTS, SAME_EVENT, type Report } from '../../../fixtures/wire-pairs.ts';

const fromReport = (report: Report): Article => anArticle({ source: report.source, title: report.title, text: report.text, topics: [] });

function similarity(a: Article, b: Article): number {
  return leadSimilarities([a, b])(0, 1);
}

/** The clusters as sets of titles@source, order-free. */
function groups(articles: readonly Article[]): string[][] {
  return clusterArticles(articles)
    .map((cluster) => [cluster.primary, ...cluster.others].map((a) => `${a.title}@${a.source}`).sort())
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}

describe('near-duplicate detection', () => {
  it('joins posts of one page (same canonical URL) from different publishers into one story, whatever their text', () => {
    const forged = anArticle({
      title: 'Bank confirms all accounts frozen; call 0800 000 to unlock',
      text: 'Call now.',
      source: 'Pub A',
      url: 'https://www.bbc.co.uk/news/real-story-123?utm_source=x',
      publisher: 'key:a',
    });
    const genuine = anArticle({
      title: 'Council opens new library',
      text: 'The council opened a library on Monday with four floors of books.',
      source: 'BBC News',
      url: 'https://www.bbc.co.uk/news/real-story-123',
      publisher: 'source:0123456789abcdef',
    });
    const other = anArticle({
      title: 'Storm closes ferry routes',
      text: 'Ferries stayed in port as the storm passed.',
      source: 'BBC News',
    });

    const clusters = clusterArticles([forged, other, genuine]);

    expect(clusters).toHaveLength(2);
    const story = clusters.find((cluster) => cluster.others.length > 0)!;
    expect([story.primary, ...story.others].map((article) => article.id).sort()).toEqual([forged.id, genuine.id].sort());
  });

  it.each(SAME_EVENT)('merges %s', (_name, a, b) => {
    const score = similarity(fromReport(a), fromReport(b));
    expect(score).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
    expect(clusterArticles([fromReport(a), fromReport(b)])).toHaveLength(1);
  });

  it.each(DIFFERENT_EVENTS)('keeps apart %s', (_name, a, b) => {
    expect(similarity(fromReport(a), fromReport(b))).toBeLessThan(DUPLICATE_THRESHOLD);
    expect(clusterArticles([fromReport(a), fromReport(b)])).toHaveLength(2);
  });

  it("keeps the seed's talks story and that day's list of key events apart", () => {
    const [talks, , , keyEvents] = seedBatchArticles();
    expect(similarity(talks!, keyEvents!)).toBeLessThan(DUPLICATE_THRESHOLD);
  });

  it('merges the scraped page with the API batch: four stories, each from both sources', () => {
    const batch = seedBatchArticles();
    const page = seedPageArticles();
    expect(page).toHaveLength(4);
    const clusters = clusterArticles([...batch, ...page]);
    expect(clusters).toHaveLength(4);
    for (const cluster of clusters) {
      expect(new Set([cluster.primary, ...cluster.others].map((article) => article.source))).toEqual(new Set(['Al Jazeera', 'Daily8']));
      expect(cluster.primary.title).toBe(cluster.others[0]?.title);
    }
  });

  it('merges the same source sending a story twice, updated with a new opening paragraph', () => {
    const [talks] = seedBatchArticles();
    const updated = {
      ...talks!,
      id: 'updated',
      url: 'https://news.example/talks-updated',
      text: `Ukrainian and Russian delegations arrived in Istanbul on Wednesday for the talks.\n\n${talks!.text}`,
    };
    expect(clusterArticles([talks!, updated])).toHaveLength(1);
  });

  it('does not merge distinct stories of one window, whatever their number', () => {
    const batch = seedBatchArticles();
    const pairs = [...SAME_EVENT, ...DIFFERENT_EVENTS].flatMap(([, a]) => [a]).map(fromReport);
    // The first report of each hand-written case is a different event from every other.
    const distinct = [...batch, ...new Map(pairs.map((a) => [a.title, a])).values()];
    expect(clusterArticles(distinct)).toHaveLength(distinct.length);
  });

  it('keeps a different story on the same subject apart from a merged pair', () => {
    const [fed, fedRewrite, ecb] = [SAME_EVENT[0]![1], SAME_EVENT[0]![2], DIFFERENT_EVENTS[0]![2]];
    expect(groups([fromReport(fed), fromReport(fedRewrite), fromReport(ecb)])).toEqual([
      [`${ecb.title}@${ecb.source}`],
      [`${fed.title}@${fed.source}`, `${fedRewrite.title}@${fedRewrite.source}`].sort(),
    ]);
  });

  it('merges two copies without text when their titles say the same', () => {
    const a = anArticle({ title: 'Bridge closes for repairs', text: '', source: 'A' });
    const b = anArticle({ title: 'Bridge closes for repairs', text: '', source: 'B' });
    expect(clusterArticles([a, b])).toHaveLength(1);
  });

  it('shows the fullest report and lists the others', () => {
    const [a, b] = [SAME_EVENT[1]![1], SAME_EVENT[1]![2]];
    const short = fromReport(a);
    const long = fromReport({ ...b, text: `${b.text} Aid agencies said they were sending tents and blankets to the region.` });
    const [cluster] = clusterArticles([short, long]);
    expect(cluster?.primary).toBe(long);
    expect(cluster?.others).toEqual([short]);
  });

  it('copes with articles that have no text, only markup, or another script', () => {
    const odd = [
      anArticle({ title: 'Bridge closes for repairs', text: '' }),
      anArticle({ title: 'Council elects a new mayor', text: '' }),
      anArticle({ title: 'Markup', text: '<div><img src="x.png"></div>' }),
      anArticle({ title: 'Переговоры', text: 'Россия и Украина провели переговоры в Стамбуле.' }),
      anArticle({ title: '东京天气', text: '东京今天天气晴朗。明天预计会下雨。' }),
      anArticle({ title: '🎉', text: '🎉🎉' }),
    ];
    expect(clusterArticles(odd)).toHaveLength(odd.length);
    expect(clusterArticles([])).toEqual([]);
  });

  it('is deterministic whatever the input order', () => {
    const articles = [...seedBatchArticles(), ...seedPageArticles()];
    expect(groups([...articles].reverse())).toEqual(groups(articles));
  });
});
