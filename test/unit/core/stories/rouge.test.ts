import { describe, expect, it } from 'vitest';
import { rougeLsum, rougeN, tokenize } from '../../../../bench/support/rouge.ts';

describe('ROUGE (bench support)', () => {
  it('tokenises to lower-case alphanumeric words, splitting on punctuation', () => {
    expect(tokenize("The U.S. isn't 3.5% up!")).toEqual(['the', 'u', 's', 'isn', 't', '3', '5', 'up']);
  });

  it('scores ROUGE-1 as clipped unigram overlap: 5 of 6 words shared gives 5/6', () => {
    const score = rougeN('the cat sat on the mat', 'the cat is on the mat', 1);
    expect(score.precision).toBeCloseTo(5 / 6, 10);
    expect(score.recall).toBeCloseTo(5 / 6, 10);
    expect(score.f1).toBeCloseTo(5 / 6, 10);
  });

  it('scores ROUGE-2 on bigrams: 3 of 5 shared gives 0.6', () => {
    expect(rougeN('the cat sat on the mat', 'the cat is on the mat', 2).f1).toBeCloseTo(0.6, 10);
  });

  it('credits a repeated word no more often than the reference has it', () => {
    const score = rougeN('the the the', 'the cat', 1);
    expect(score.precision).toBeCloseTo(1 / 3, 10);
    expect(score.recall).toBeCloseTo(1 / 2, 10);
    expect(score.f1).toBeCloseTo(0.4, 10);
  });

  it('matches inflections only with Porter stemming', () => {
    expect(rougeN('cats running', 'cat runs', 1).f1).toBe(0);
    expect(rougeN('cats running', 'cat runs', 1, { stem: true }).f1).toBe(1);
  });

  it('scores an empty summary 0 instead of dividing by zero', () => {
    expect(rougeN('', 'the cat', 1)).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(rougeLsum([], ['the cat'])).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('scores summary-level ROUGE-L on the union of LCS hits across candidate sentences (Lin 2004 example)', () => {
    // LCS with the first sentence: alpha beta; with the second: alpha gamma epsilon. Union: 4 of 5 reference words.
    const score = rougeLsum(['alpha beta zeta eta theta', 'alpha gamma theta iota epsilon'], ['alpha beta gamma delta epsilon']);
    expect(score.recall).toBeCloseTo(4 / 5, 10);
    expect(score.precision).toBeCloseTo(4 / 10, 10);
    expect(score.f1).toBeCloseTo(8 / 15, 10);
  });

  it('scores ROUGE-L 1 for identical text and respects word order', () => {
    expect(rougeLsum(['a b c d'], ['a b c d']).f1).toBe(1);
    // Reversed: the LCS is one word long.
    expect(rougeLsum(['d c b a'], ['a b c d']).recall).toBeCloseTo(1 / 4, 10);
  });
});
