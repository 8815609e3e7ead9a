import { describe, expect, it } from 'vitest';
import { clusterArticles } from '../../../../functions/core/stories/merge.ts';
import { FAMILIES, labelledPairs, nearEventPairs } from '../../../fixtures/merge-set/index.ts';
import { pairLevelScore, windowLevelScore } from '../../../fixtures/merge-set/evaluate.ts';
import { HELD_OUT } from '../../../fixtures/merge-set/held-out.ts';

const describePairs = (pairs: readonly { a: { event: string; source: string }; b: { event: string; source: string } }[]) =>
  pairs.map((pair) => `${pair.a.event} (${pair.a.source}) ~ ${pair.b.event} (${pair.b.source})`);

describe('the labelled merge set', () => {
  it('holds at least 40 same-event pairs from different sources and 100 pairs of different near events', () => {
    const pairs = labelledPairs();
    const same = pairs.filter((pair) => pair.sameEvent);
    expect(same.length).toBeGreaterThanOrEqual(40);
    for (const pair of same) expect(pair.a.source).not.toBe(pair.b.source);
    expect(nearEventPairs()).toBeGreaterThanOrEqual(100);
    expect(FAMILIES.every((family) => family.events.length >= 4)).toBe(true);
  });

  it('merges at least 90% of same-event pairs and no near pair, each pair clustered alone', () => {
    const score = pairLevelScore(clusterArticles);
    expect(describePairs(score.falseMerges)).toEqual([]);
    expect(score.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('does the same with each family clustered as one window of articles', () => {
    const score = windowLevelScore(clusterArticles);
    expect(describePairs(score.falseMerges)).toEqual([]);
    expect(score.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('does as well on the held-out families, written after the weights were set', () => {
    for (const score of [pairLevelScore(clusterArticles, HELD_OUT), windowLevelScore(clusterArticles, HELD_OUT)]) {
      expect(describePairs(score.falseMerges)).toEqual([]);
      expect(score.recall).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('keeps a later report about the same company apart when it falls outside the time window', () => {
    const [event] = FAMILIES[0]!.events;
    const [a, b] = event!.reports;
    const weekLater = { ...b!, at: new Date(Date.parse(b!.at) + 7 * 24 * 3600_000).toISOString() };
    const pairs = windowLevelScore(clusterArticles, [
      {
        name: 'moved',
        events: [
          { id: 'x/a', reports: [a!] },
          { id: 'x/b', reports: [weekLater] },
        ],
      },
    ]);
    expect(pairs.falseMerges).toEqual([]);
  });
});
