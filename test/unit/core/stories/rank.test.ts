import { describe, expect, it } from 'vitest';
import { arrangeStories, editionId, EDITION_ID_PATTERN, topicSet } from '../../../../functions/core/edition/edition.ts';
import type { ArticleCluster } from '../../../../functions/core/stories/merge.ts';
import { independentSources, OTHER_SECTION, rankClusters, sectionTitle, storyScore } from '../../../../functions/core/stories/rank.ts';
import type { Article } from '../../../../functions/core/ingest/types.ts';
import { anArticle } from '../../../support/fakes.ts';
import { SAME_EVENT } from '../../../fixtures/wire-pairs.ts';

const CUTOFF = '2026-11-26T07:00:00.000Z';
const hoursBefore = (hours: number) => new Date(Date.parse(CUTOFF) - hours * 3600_000).toISOString();

function story(title: string, hoursOld: number, overrides: Partial<Article> = {}): Article {
  return anArticle({ title, publishedAt: hoursBefore(hoursOld), ingestedAt: hoursBefore(hoursOld), ...overrides });
}

const cluster = (primary: Article, ...others: Article[]): ArticleCluster => ({ primary, others });
const titles = (items: { cluster: ArticleCluster }[]) => items.map((item) => item.cluster.primary.title);

const words = (count: number) => Array.from({ length: count }, (_, i) => `word${i}`).join(' ');

describe('storyScore', () => {
  it('scores recency 1 at the cutoff, halving per day of age, plus 0.3 for a full report', () => {
    const full = { text: words(600) };
    expect(storyScore(cluster(story('Now', 0, full)), Date.parse(CUTOFF)).score).toBeCloseTo(1.3, 10);
    expect(storyScore(cluster(story('Yesterday', 24, full)), Date.parse(CUTOFF)).score).toBeCloseTo(0.8, 10);
    expect(storyScore(cluster(story('Headline only', 0, { text: '' })), Date.parse(CUTOFF)).score).toBeCloseTo(1, 10);
  });

  it('counts distinct sources and takes the newest report', () => {
    const reports = ['A', 'B', 'C', 'D'].map((source, i) =>
      story(`Report ${source}`, 24 - i * 8, { source, text: `${source} reported it in its own words.` }),
    );
    const { sources, time } = storyScore(cluster(reports[0]!, ...reports.slice(1)), Date.parse(CUTOFF));
    expect(time).toBe(Date.parse(hoursBefore(0)));
    expect(sources).toBe(4);
  });

  it('counts one source sending a story twice, or under another spelling, as one source', () => {
    const twice = cluster(story('Once', 0, { source: 'A' }), story('Twice', 0, { source: 'a' }));
    expect(independentSources(twice)).toBe(1);
    const spellings = cluster(
      story('One', 0, { source: 'The Guardian', text: 'First wording.' }),
      story('Two', 0, { source: 'www.theguardian.com', text: 'Second wording.' }),
    );
    expect(independentSources(spellings)).toBe(1);
  });

  it('counts wire copy republished word for word by another outlet as one source', () => {
    const wire = 'Rescuers pulled 12 people from the rubble overnight, officials said. More follows.';
    const syndicated = cluster(
      story('Quake rescue', 0, { source: 'Wire', text: wire }),
      story('Quake rescue', 0, { source: 'Local Paper', text: wire }),
      story('Rescuers find survivors', 0, { source: 'Other Desk', text: 'Twelve survivors were found overnight.' }),
    );
    expect(independentSources(syndicated)).toBe(2);
  });
});

describe('rankClusters', () => {
  it('puts a story reported by several sources above a slightly newer one from a single source', () => {
    const single = cluster(story('Single source', 1));
    const many = cluster(
      story('Three sources', 3, { source: 'A' }),
      story('B copy', 4, { source: 'B' }),
      story('C copy', 5, { source: 'C' }),
    );
    expect(titles(rankClusters([single, many], { cutoff: CUTOFF, maxStories: 10 }).top)).toEqual(['Three sources', 'Single source']);
  });

  it('leads with the story most sources covered when the reader has no topics, even over fresher ones', () => {
    const clusters = [
      cluster(story('Cup final result', 0, { topics: ['sport'], source: 'A' })),
      cluster(story('Late goal wins derby', 0.5, { topics: ['sport'], source: 'B' })),
      cluster(
        story('Central bank holds rates', 14, { topics: ['business'], source: 'Reuters' }),
        story('ECB keeps rates on hold', 13, { topics: ['business'], source: 'FT' }),
        story('Rates unchanged in Frankfurt', 12, { topics: ['business'], source: 'AP' }),
      ),
      cluster(
        story('Heatwave warning', 6, { topics: ['weather'], source: 'C' }),
        story('Amber heat alert', 5, { topics: ['weather'], source: 'D' }),
      ),
    ];
    const { top } = rankClusters(clusters, { cutoff: CUTOFF, maxStories: 10 });
    expect(top[0]?.cluster.primary.title).toBe('Central bank holds rates');
    expect(top.map((item) => item.sources)).toEqual([3, 2, 1, 1]);
  });

  it('puts a full report above a bare headline of the same age and source count', () => {
    const headline = cluster(story('Bare headline', 2, { text: '' }));
    const report = cluster(story('Full report', 2, { text: words(400) }));
    expect(titles(rankClusters([headline, report], { cutoff: CUTOFF, maxStories: 10 }).top)).toEqual(['Full report', 'Bare headline']);
  });

  it('keeps at most maxStories and puts the rest, in order, in more', () => {
    const clusters = Array.from({ length: 5 }, (_, i) => cluster(story(`Hour ${i}`, i)));
    const { top, more } = rankClusters(clusters, { cutoff: CUTOFF, maxStories: 3 });
    expect(titles(top)).toEqual(['Hour 0', 'Hour 1', 'Hour 2']);
    expect(titles(more)).toEqual(['Hour 3', 'Hour 4']);
  });

  it('sets no section when no article carries a topic', () => {
    const { top } = rankClusters([cluster(story('A', 1, { topics: [] }))], { cutoff: CUTOFF, maxStories: 3 });
    expect(top[0]?.section).toBeUndefined();
  });

  it('groups stories by their first topic, sections in the order of their best story, untopical ones last', () => {
    const clusters = [
      cluster(story('Sport 1', 1, { topics: ['sport'] })),
      cluster(story('World 1', 2, { topics: ['world news', 'europe'] })),
      cluster(story('Untopical', 0, { topics: [] })),
      cluster(story('Sport 2', 3, { topics: ['sport'] })),
      cluster(story('World 2', 4, { topics: ['world news'] })),
    ];
    const { top } = rankClusters(clusters, { cutoff: CUTOFF, maxStories: 10 });
    expect(top.map((item) => [item.cluster.primary.title, item.section])).toEqual([
      ['Sport 1', 'Sport'],
      ['Sport 2', 'Sport'],
      ['World 1', 'World News'],
      ['World 2', 'World News'],
      ['Untopical', OTHER_SECTION],
    ]);
  });

  it('cuts by score before grouping, so a weak story in a strong section does not push out a strong one', () => {
    const clusters = [
      cluster(story('Sport new', 0, { topics: ['sport'] })),
      cluster(story('Sport old', 48, { topics: ['sport'] })),
      cluster(story('Politics new', 1, { topics: ['politics'] })),
    ];
    const { top, more } = rankClusters(clusters, { cutoff: CUTOFF, maxStories: 2 });
    expect(titles(top)).toEqual(['Sport new', 'Politics new']);
    expect(titles(more)).toEqual(['Sport old']);
  });

  it("puts the reader's topics first, under the section of the topic they chose", () => {
    const clusters = [
      cluster(story('Fresh sport', 0, { topics: ['sport'] })),
      cluster(story('Old science', 40, { topics: ['world', 'science'] })),
      cluster(story('Fresh world', 1, { topics: ['world'] })),
    ];
    const { top } = rankClusters(clusters, { cutoff: CUTOFF, maxStories: 2, readerTopics: ['science'] });
    expect(top.map((item) => [item.cluster.primary.title, item.section, item.onReaderTopic])).toEqual([
      ['Old science', 'Science', true],
      ['Fresh sport', 'Sport', false],
    ]);
  });

  it('orders ties by title, whatever the input order', () => {
    const a = cluster(story('Alpha', 2));
    const b = cluster(story('Beta', 2));
    expect(titles(rankClusters([b, a], { cutoff: CUTOFF, maxStories: 5 }).top)).toEqual(['Alpha', 'Beta']);
  });
});

describe('sectionTitle', () => {
  it('capitalises each word of a lower-case topic', () => {
    expect(sectionTitle('world news')).toBe('World News');
    expect(sectionTitle('us-politics')).toBe('Us-Politics');
    expect(sectionTitle('économie')).toBe('Économie');
  });
});

describe('arrangeStories', () => {
  it('merges reports of one event into one story listing the other sources', () => {
    const [, a, b] = SAME_EVENT[2]!;
    const first = story(a.title, 2, { source: a.source, text: a.text, topics: ['business'] });
    const second = story(b.title, 1, { source: b.source, text: b.text, topics: ['business'], url: undefined });
    const { stories, moreStories } = arrangeStories([first, second, story('Other news item', 3)], {
      maxStories: 12,
      cutoff: CUTOFF,
    });
    expect(stories).toHaveLength(2);
    expect(moreStories).toEqual([]);
    const merged = stories.find((s) => s.alsoIn.length > 0)!;
    expect([merged.title, ...merged.alsoIn.map((other) => other.title)].sort()).toEqual([a.title, b.title].sort());
    expect(merged.alsoIn[0]).not.toHaveProperty('url');
    expect(merged.section).toBe('Business');
  });

  it('lists a copy from the same source under the same link once, not as "also in"', () => {
    const original = story('Bridge reopens after two years of repairs', 1, {
      source: 'Example Times',
      url: 'https://news.example/bridge',
      text: 'The old bridge reopened on Monday after two years of repairs. Traffic was light.',
    });
    const copy = { ...original, id: 'copy' };
    const { stories } = arrangeStories([original, copy], { maxStories: 12, cutoff: CUTOFF });
    expect(stories).toHaveLength(1);
    expect(stories[0]?.alsoIn).toEqual([]);
  });

  it('summarises the stories the email shows and lists the rest as headlines', () => {
    const articles = Array.from({ length: 5 }, (_, i) => story(`Story ${i}`, i));
    const { stories, moreStories } = arrangeStories(articles, { maxStories: 3, cutoff: CUTOFF });
    expect(stories.map((s) => s.title)).toEqual(['Story 0', 'Story 1', 'Story 2']);
    for (const shown of stories) expect(shown.summary.length).toBeGreaterThan(0);
    expect(moreStories.map((s) => [s.title, s.summary])).toEqual([
      ['Story 3', []],
      ['Story 4', []],
    ]);
  });

  it('gives an article without a body a summary of its title, never an empty entry', () => {
    const { stories } = arrangeStories([story('Bridge closes', 1, { text: '' })], { maxStories: 3, cutoff: CUTOFF });
    expect(stories[0]?.summary).toEqual(['Bridge closes']);
  });

  it('defangs a link-like section name, as any shown text', () => {
    const { stories } = arrangeStories([story('A', 1, { topics: ['evil.example'] })], { maxStories: 3, cutoff: CUTOFF });
    expect(stories[0]?.section).toBe('Evil\u2024example');
  });
});

describe('edition variants by reader topics', () => {
  it('keeps the plain window id for readers without topics', () => {
    expect(editionId('2026-11-25T07:00:00.000Z', CUTOFF, [])).toBe('20261126T070000-20261125T070000');
  });

  it('adds a short stable suffix per topic set, the same whatever the order, case or repeats', () => {
    const id = editionId('2026-11-25T07:00:00.000Z', CUTOFF, ['sport', 'World']);
    expect(id).toMatch(/^20261126T070000-20261125T070000-t[0-9a-f]{10}$/);
    expect(editionId('2026-11-25T07:00:00.000Z', CUTOFF, ['world', 'sport', 'sport'])).toBe(id);
    expect(editionId('2026-11-25T07:00:00.000Z', CUTOFF, ['world'])).not.toBe(id);
    expect(EDITION_ID_PATTERN.test(id)).toBe(true);
    expect(encodeURIComponent(id)).toBe(id);
  });

  it('refuses ids with a malformed topic suffix', () => {
    expect(EDITION_ID_PATTERN.test('20261126T070000-20261125T070000-tXYZ')).toBe(false);
    expect(EDITION_ID_PATTERN.test('20261126T070000-20261125T070000-t0123456789a')).toBe(false);
  });

  it('canonicalises a topic set', () => {
    expect(topicSet([' World ', 'sport', 'world', ''])).toEqual(['sport', 'world']);
  });
});
