import { describe, expect, it } from 'vitest';
import { normaliseTopic, normaliseTopics, parseTopic, topicNameIssue } from '../../../../functions/core/shared/topics.ts';
import { CATALOGUE_LIMIT, mergeTopicCatalogue } from '../../../../functions/core/ingest/topic-catalogue.ts';
import type { CatalogueTopic } from '../../../../functions/core/ingest/types.ts';
import { validateArticle } from '../../../../functions/core/ingest/article.ts';

describe('normaliseTopic', () => {
  it.each([
    ['<b>bold Topic</b>', 'bold topic', 'bold Topic'],
    ['Science &amp; Tech', 'science & tech', 'Science & Tech'],
    ['Caf&eacute; culture', 'café culture', 'Café culture'],
    ['  World\t  News ', 'world news', 'World News'],
    ['ＡＩ', 'ai', 'AI'],
    ['Straße', 'strasse', 'Straße'],
    ['STRASSE', 'strasse', 'STRASSE'],
    ['#ClimateCrisis', 'climatecrisis', 'ClimateCrisis'],
    ['C++', 'c++', 'C++'],
    ['Node.js', 'node.js', 'Node.js'],
    ['Rock ’n’ Roll', "rock 'n' roll", "Rock 'n' Roll"],
    ['US–China', 'us-china', 'US-China'],
    ['news\u200B\u202Eevil', 'newsevil', 'newsevil'],
    ['Politics, Economy', 'politics economy', 'Politics Economy'],
    ['Ελλάδα ΣΟΦΟΣ', 'ελλάδα σοφος', 'Ελλάδα ΣΟΦΟΣ'],
    ['ελλάδα σοφος', 'ελλάδα σοφος', 'ελλάδα σοφος'],
  ])('%j -> key %j, label %j', (raw, key, label) => {
    expect(normaliseTopic(raw)).toEqual({ key, label });
  });

  it('gives nothing for markup, punctuation or space alone', () => {
    for (const raw of ['', '   ', '<b></b>', '<script>alert(1)</script>', '---', '&nbsp;', '\u200B']) {
      expect(normaliseTopic(raw)).toBeUndefined();
    }
  });

  it('cuts long names at a word to 40 characters, and survives hostile markup', () => {
    const topic = normaliseTopic('International Monetary Fund annual meetings in Washington');
    expect(topic?.label).toBe('International Monetary Fund annual');
    expect(normaliseTopic('x'.repeat(100))?.key).toHaveLength(40);
    expect(normaliseTopic('😀'.repeat(30) + 'a')).toEqual({ key: 'a', label: 'a' });
    expect(normaliseTopic('<b>'.repeat(400) + 'deep')).toBeUndefined();
    expect(normaliseTopic('<i>tech</i>'.repeat(10_000))?.key.length).toBeLessThanOrEqual(40);
  });

  it('keeps the first spelling of each key, at most the number asked for', () => {
    expect(normaliseTopics(['World', 'world', '<i>WORLD</i>', 'Sport', '', 'Science'], 2)).toEqual([
      { key: 'world', label: 'World' },
      { key: 'sport', label: 'Sport' },
    ]);
  });
});

describe('parseTopic and topicNameIssue', () => {
  it('refuses what a publisher or reader can fix instead of cutting it', () => {
    expect(parseTopic('x'.repeat(41))).toEqual({ ok: false, issue: 'must be at most 40 characters' });
    expect(parseTopic(' ')).toEqual({ ok: false, issue: 'must not be empty' });
    expect(parseTopic('<b></b>')).toEqual({ ok: false, issue: 'must contain a letter or digit' });
    expect(parseTopic('<b>Bold</b>')).toEqual({ ok: true, topic: { key: 'bold', label: 'Bold' } });
    expect(topicNameIssue('<script>')).toMatch(/only$/);
    expect(topicNameIssue('Science & Tech')).toBeUndefined();
    expect(topicNameIssue('x'.repeat(41))).toBe('must be at most 40 characters');
  });

  it('stores article topics as keys, deduplicated by key', () => {
    const result = validateArticle(
      { title: 'T', body: 'B.', source: 'S', topics: ['<b>bold Topic</b>', 'BOLD topic', 'Science &amp; Tech'] },
      0,
    );
    expect(result.ok && result.input.topics).toEqual([
      { key: 'bold topic', label: 'bold Topic' },
      { key: 'science & tech', label: 'Science & Tech' },
    ]);
  });
});

describe('mergeTopicCatalogue', () => {
  const DAY = 86_400_000;
  const at = (day: number) => new Date(Date.UTC(2026, 10, 1) + day * DAY).toISOString();
  const sightings = (prefix: string, n: number, articles = 1) =>
    Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, label: `${prefix.toUpperCase()}${i}`, articles }));

  it('adds counts, moves last-seen times and keeps the first label', () => {
    let catalogue: CatalogueTopic[] = mergeTopicCatalogue([], [{ key: 'world', label: 'World', articles: 3 }], at(0));
    catalogue = mergeTopicCatalogue(
      catalogue,
      [
        { key: 'world', label: 'WORLD', articles: 2 },
        { key: 'sport', label: 'Sport', articles: 0 },
      ],
      at(1),
    );
    expect(catalogue).toEqual([
      { key: 'sport', label: 'Sport', count: 1, lastSeen: at(1) },
      { key: 'world', label: 'World', count: 5, lastSeen: at(1) },
    ]);
  });

  it('keeps at most 200 topics however many arrive: the most used and the most recent', () => {
    let catalogue = mergeTopicCatalogue([], sightings('popular', 20, 100), at(0));
    for (let batch = 1; batch <= 11; batch += 1) catalogue = mergeTopicCatalogue(catalogue, sightings(`b${batch}-`, 1000), at(batch));
    expect(catalogue).toHaveLength(CATALOGUE_LIMIT);
    const keys = new Set(catalogue.map((topic) => topic.key));
    // Used a hundred times eleven days ago still outweighs one article today.
    for (let i = 0; i < 20; i += 1) expect(keys.has(`popular${i}`)).toBe(true);
    // The rest are the newest batch's.
    expect(catalogue.filter((topic) => topic.key.startsWith('b11-'))).toHaveLength(180);
    expect(catalogue.map((topic) => topic.key)).toEqual([...keys].sort());
  });

  it('lets a topic nobody has used for months make way for a new one', () => {
    const old = mergeTopicCatalogue([], sightings('old', CATALOGUE_LIMIT, 3), at(0));
    const now = mergeTopicCatalogue(old, sightings('new', 1), at(120));
    expect(now).toHaveLength(CATALOGUE_LIMIT);
    expect(now.some((topic) => topic.key === 'new0')).toBe(true);
  });
});
