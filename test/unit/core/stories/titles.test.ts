import { describe, expect, it } from 'vitest';
import { calmTitle } from '../../../../functions/core/stories/titles.ts';
import { arrangeStories } from '../../../../functions/core/edition/edition.ts';
import { anArticle } from '../../../support/fakes.ts';

describe('calmTitle', () => {
  it('shows an all-capitals headline in title case, keeping acronyms and names capitalised', () => {
    expect(calmTitle('MARKETS FALL AS US RATES RISE')).toBe('Markets Fall as US Rates Rise');
    expect(calmTitle("FED'S POWELL SAYS RATES TO STAY HIGH")).toBe("Fed's Powell Says Rates to Stay High");
    expect(calmTitle('NHS STRIKE: NURSES WALK OUT IN U.K. HOSPITALS')).toBe('NHS Strike: Nurses Walk Out in U.K. Hospitals');
    expect(calmTitle('PRESIDENT’S SPEECH ANGERS EU LEADERS')).toBe('President’s Speech Angers EU Leaders');
  });

  it('leaves mixed-case titles, short capitals and titles without letters as they are', () => {
    expect(calmTitle('NASA launches a new probe')).toBe('NASA launches a new probe');
    expect(calmTitle('BBC')).toBe('BBC');
    expect(calmTitle('2026 — 1,000')).toBe('2026 — 1,000');
    expect(calmTitle('東京の天気')).toBe('東京の天気');
    expect(calmTitle('')).toBe('');
  });

  it('is what an edition shows for a shouted headline', () => {
    const { stories } = arrangeStories([anArticle({ title: 'BRIDGE CLOSES FOR REPAIRS', text: '' })], { maxStories: 3 });
    expect(stories[0]?.title).toBe('Bridge Closes for Repairs');
    expect(stories[0]?.summary).toEqual(['Bridge Closes for Repairs']);
  });
});
