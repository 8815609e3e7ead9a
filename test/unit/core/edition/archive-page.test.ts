import { describe, expect, it } from 'vitest';
import { buildEdition } from '../../../../functions/core/edition/edition.ts';
import type { Edition } from '../../../../functions/core/edition/types.ts';
import { archivePage } from '../../../../functions/adapters/render/edition-pages.ts';
import { anArticle, FakeRenderer, testSettings } from '../../../support/fakes.ts';

const DAY_MS = 86_400_000;

/** The edition for the day ending at `cutoff`, for readers of `topics` (none: the plain edition). */
async function editionFor(cutoff: string, topics: string[] = []): Promise<Edition> {
  const since = new Date(Date.parse(cutoff) - DAY_MS).toISOString();
  const articles = [anArticle({ title: `News of ${cutoff.slice(0, 10)}`, topics: ['politics', 'sport'] })];
  return buildEdition({ since, cutoff, articles, topics, createdAt: cutoff }, new FakeRenderer(), testSettings());
}

const linkedIds = (html: string) => [...html.matchAll(/href="\/editions\/([^"]+)"/g)].map((match) => match[1]);

describe('the public archive', () => {
  it('lists one entry per edition, hiding its per-topic variants and linking the plain edition', async () => {
    const day2 = '2026-11-27T07:00:00.000Z';
    const day1 = '2026-11-26T07:00:00.000Z';
    const sport2 = await editionFor(day2, ['sport']);
    const plain2 = await editionFor(day2);
    const politics2 = await editionFor(day2, ['politics', 'sport']);
    const plain1 = await editionFor(day1);
    const sport1 = await editionFor(day1, ['sport']);

    const ids = linkedIds(archivePage([sport2, plain2, politics2, plain1, sport1], {}));

    expect(ids).toEqual([plain2.id, plain1.id]);
  });

  it('still lists a day whose every reader has topics, once', async () => {
    const cutoff = '2026-11-28T07:00:00.000Z';
    const variants = [await editionFor(cutoff, ['sport']), await editionFor(cutoff, ['politics'])];

    expect(linkedIds(archivePage(variants, {}))).toEqual([variants[0]?.id]);
  });

  it('keeps a month of days when each has several variants', async () => {
    const editions: Edition[] = [];
    for (let day = 40; day > 0; day -= 1) {
      const cutoff = new Date(Date.parse('2026-10-01T07:00:00.000Z') + day * DAY_MS).toISOString();
      editions.push(await editionFor(cutoff, ['sport']), await editionFor(cutoff), await editionFor(cutoff, ['politics']));
    }

    const ids = linkedIds(archivePage(editions, {}));

    expect(ids).toHaveLength(31);
    expect(new Set(ids).size).toBe(31);
    expect(ids.every((id) => !/-t[0-9a-f]+$/.test(id ?? ''))).toBe(true);
  });
});
