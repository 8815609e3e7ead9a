/** A summary sentence that uses an acronym the article defined earlier carries its expansion. */
import { describe, expect, it } from 'vitest';
import { acronymDefinitions, withExpansions } from '../../../../functions/core/stories/acronyms.ts';
import { summarise } from '../../../../functions/core/stories/summarise.ts';
import { wordCount } from '../../../../functions/core/stories/terms.ts';

const ELECTION = [
  'The Green candidate Maya Patel won the Eastmere by-election on Thursday, taking the council seat from Labour for the first time.',
  'The count was run by the Returning Officer (RO), as in every local poll.',
  'Shortly after midnight the RO declared Patel elected with a majority of 412 votes over the Labour candidate in the Eastmere by-election.',
  'Turnout was 38 per cent.',
].join(' ');

describe('acronymDefinitions', () => {
  it('reads an expansion before the brackets, skipping joining words and earlier names', () => {
    const definitions = acronymDefinitions([
      'The Returning Officer (RO) counts the votes.',
      'Members of the Hill Walkers Association, or the Society of Upland Ramblers (SUR), met on Monday.',
      'The Anti-Corruption Bureau (ACB) opened a case.',
    ]);
    expect(definitions.get('RO')).toEqual({ acronym: 'RO', expansion: 'Returning Officer', sentence: 0 });
    expect(definitions.get('SUR')?.expansion).toBe('Society of Upland Ramblers');
    expect(definitions.get('ACB')?.expansion).toBe('Anti-Corruption Bureau');
  });

  it('reads an expansion in brackets after the acronym', () => {
    expect(acronymDefinitions(['The FWA (Federal Water Authority) raised prices.']).get('FWA')?.expansion).toBe('Federal Water Authority');
  });

  it('ignores brackets whose words do not spell the acronym', () => {
    const definitions = acronymDefinitions(['Prices rose at the corner shop (CPI) and in the market (UK).', 'He joined the club (XYZ).']);
    expect(definitions.size).toBe(0);
  });
});

describe('withExpansions', () => {
  const definitions = acronymDefinitions(['The Returning Officer (RO) counts the votes.', 'The RO said so.', 'The RO said it twice.']);

  it('writes the acronym out on its first use after the definition only', () => {
    expect(withExpansions('The RO said the RO was tired.', 1, definitions).text).toBe('The Returning Officer (RO) said the RO was tired.');
    expect(withExpansions('The RO said so.', 1, definitions, new Set(['RO'])).text).toBe('The RO said so.');
    expect(withExpansions('The Returning Officer (RO) counts the votes.', 0, definitions).explained).toEqual(['RO']);
  });

  it('leaves words that merely contain the acronym alone', () => {
    expect(withExpansions('ROBOTS and PRO teams.', 1, definitions).text).toBe('ROBOTS and PRO teams.');
  });
});

describe('summarise with acronyms', () => {
  it('explains an acronym the article defined in a sentence the summary leaves out', () => {
    const summary = summarise({ title: 'Green candidate wins Eastmere by-election', text: ELECTION }, { maxSentences: 2, maxWords: 60 });
    const joined = summary.join(' ');
    expect(joined).toContain('the Returning Officer (RO)');
    expect(joined).not.toMatch(/(?<!\()RO\b(?!\))/u);
  });

  it('writes nothing out when the defining sentence is in the summary, and stays within the word budget', () => {
    const text = [
      'The Returning Officer (RO) for Eastmere began counting the by-election votes as soon as the polls closed at ten.',
      'Shortly after midnight the RO declared the Green candidate elected with a majority of 412 votes.',
    ].join(' ');
    expect(summarise({ title: 'Green candidate wins Eastmere by-election', text }, { maxSentences: 2, maxWords: 80 })).toEqual([
      'The Returning Officer (RO) for Eastmere began counting the by-election votes as soon as the polls closed at ten.',
      'Shortly after midnight the RO declared the Green candidate elected with a majority of 412 votes.',
    ]);
    for (const maxWords of [25, 30, 45, 60]) {
      const short = summarise({ title: 'Green candidate wins Eastmere by-election', text: ELECTION }, { maxSentences: 3, maxWords });
      expect(wordCount(short.join(' '))).toBeLessThanOrEqual(maxWords);
    }
  });
});
