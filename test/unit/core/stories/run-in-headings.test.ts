/** A short heading run into the sentence under it (scraped pages flatten them) is split off. */
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../../../functions/core/stories/sentences.ts';
import { summarise } from '../../../../functions/core/stories/summarise.ts';

describe('run-in headings', () => {
  it('splits a one-word heading whose word the sentence goes on to use', () => {
    expect(
      splitSentences('The port reopened on Monday. Tariffs Trade Minister Ana Costa said new tariffs on steel would start in May.'),
    ).toEqual(['The port reopened on Monday.', 'Tariffs', 'Trade Minister Ana Costa said new tariffs on steel would start in May.']);
  });

  it('splits a sentence-case heading of a few words', () => {
    expect(splitSentences('Floods and storm damage Farmers in the valley say the floods destroyed most of the harvest.')).toEqual([
      'Floods and storm damage',
      'Farmers in the valley say the floods destroyed most of the harvest.',
    ]);
  });

  it('keeps titles, names and modifiers that open a sentence', () => {
    for (const sentence of [
      'Former Mayor John Reed said the city had no money left for the bridge.',
      'Novelist Andrea Levy is favourite to win the main prize for a novel.',
      'British team member Hayley Yelling said the team would understand.',
      'Police Scotland said police officers were called to the scene at noon.',
      'According to the popular Lakeside blog, the lake froze overnight in January.',
      'Earlier this week Ministers said the budget was balanced for the year.',
    ]) {
      expect(splitSentences(sentence)).toEqual([sentence]);
    }
  });

  it('leaves the heading out of the summary', () => {
    const text = [
      'Ministers met in the capital on Friday to discuss the harvest.',
      'Tariffs Trade Minister Ana Costa said new tariffs on imported steel would start in May and would double by the end of the year.',
      'Steelmakers welcomed the tariffs, saying cheap imports had cost thousands of jobs.',
    ].join(' ');
    const summary = summarise({ title: 'Steel tariffs to start in May', text }, { maxSentences: 3, maxWords: 80 });
    expect(summary).toContain(
      'Trade Minister Ana Costa said new tariffs on imported steel would start in May and would double by the end of the year.',
    );
    expect(summary.join(' ')).not.toMatch(/\bTariffs Trade\b/u);
    expect(summary).not.toContain('Tariffs');
  });
});
