import { describe, expect, it } from 'vitest';
import { summarise } from '../../../../functions/core/stories/summarise.ts';
import { DEFAULT_SUMMARY_WEIGHTS } from '../../../../functions/core/stories/summary-weights.ts';

const article = {
  title: 'Harbour bridge reopens',
  text: [
    'The town council met on Monday evening to discuss the annual budget for parks.',
    'Residents asked about the library opening hours and the new bus timetable.',
    'The harbour bridge reopened on Tuesday after two years of repairs costing four million pounds.',
    'Engineers said the harbour bridge repairs replaced every cable and the whole deck of the bridge.',
    'A local bakery won a regional prize for its bread at the weekend fair in the square.',
  ].join(' '),
};

describe('summary weights', () => {
  it('uses the shipped defaults when no weights are given', () => {
    expect(summarise(article, { maxSentences: 2 })).toEqual(
      summarise(article, { maxSentences: 2, weights: { ...DEFAULT_SUMMARY_WEIGHTS } }),
    );
  });

  it('follows the weights it is given: position alone keeps the lead, title overlap alone finds the headline sentence', () => {
    const byPosition = summarise(article, { maxSentences: 1, weights: { position: 1, centrality: 0, title: 0, lengthExponent: 0 } });
    expect(byPosition).toEqual(['The town council met on Monday evening to discuss the annual budget for parks.']);
    const byTitle = summarise(article, { maxSentences: 1, weights: { position: 0, centrality: 0, title: 1, lengthExponent: 0 } });
    expect(byTitle).toEqual(['The harbour bridge reopened on Tuesday after two years of repairs costing four million pounds.']);
  });

  it('rejects a weight outside its range', () => {
    expect(() => summarise(article, { weights: { position: -0.1 } })).toThrow();
    expect(() => summarise(article, { weights: { relevanceShare: 1.5 } })).toThrow();
  });
});
