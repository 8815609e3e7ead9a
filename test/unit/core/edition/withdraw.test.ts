import { beforeEach, describe, expect, it } from 'vitest';
import { TemplateRenderer } from '../../../../functions/adapters/render/template-renderer.ts';
import { editionPage, archivePage } from '../../../../functions/adapters/render/edition-pages.ts';
import { buildEdition, personaliseEdition } from '../../../../functions/core/edition/edition.ts';
import { withdrawArticle } from '../../../../functions/core/edition/withdraw.ts';
import { ArticleNotFoundError } from '../../../../functions/core/ingest/errors.ts';
import { ValidationError } from '../../../../functions/core/shared/errors.ts';
import type { Article } from '../../../../functions/core/ingest/types.ts';
import { anArticle, FakeClock, MemoryArticleStore, MemoryEditionStore, testSettings } from '../../../support/fakes.ts';

const settings = testSettings();
const renderer = new TemplateRenderer({ digestName: settings.digestName });
const SINCE = '2026-11-25T07:00:00.000Z';
const CUTOFF = '2026-11-26T07:00:00.000Z';

let articles: MemoryArticleStore;
let editions: MemoryEditionStore;
let clock: FakeClock;

const bankText =
  'The central bank held its main interest rate at 4.25 percent on Thursday, citing slowing inflation across the euro area. ' +
  'Policymakers said they would keep rates steady until price growth returns to the two percent target. ' +
  'Markets had expected the decision after weak factory output data earlier in the week.';

function bankReport(source: string, url: string, extra = ''): Article {
  return anArticle({ title: 'Central bank holds rates as inflation slows', text: `${bankText}${extra}`, source, url });
}

async function store(list: Article[], createdAt = '2026-11-26T07:00:05.000Z') {
  for (const article of list) await articles.putIfAbsent(article);
  const edition = await buildEdition({ since: SINCE, cutoff: CUTOFF, articles: list, createdAt }, renderer, settings);
  await editions.createIfAbsent(edition);
  return edition;
}

const deps = () => ({ articles, editions, renderer, clock, settings });

beforeEach(() => {
  articles = new MemoryArticleStore();
  editions = new MemoryEditionStore();
  clock = new FakeClock('2026-11-26T09:00:00.000Z');
});

describe('withdrawArticle', () => {
  it('takes a lead story out of the stored edition, its email, web edition and archive entry, with a note', async () => {
    const lead = anArticle({ title: 'Defamatory claim about a minister', publishedAt: '2026-11-26T06:30:00.000Z' });
    const other = anArticle({ title: 'Heatwave ends in the south', publishedAt: '2026-11-26T05:00:00.000Z' });
    const built = await store([lead, other]);
    expect(built.subject).toBe('Defamatory claim about a minister');

    const report = await withdrawArticle(lead.id, deps());

    expect(report).toEqual({ articleId: lead.id, withdrawnAt: '2026-11-26T09:00:00.000Z', editions: [built.id] });
    const revised = (await editions.get(built.id))!;
    expect(revised.stories.map((story) => story.title)).toEqual(['Heatwave ends in the south']);
    expect(revised.subject).toBe('Heatwave ends in the south');
    expect(revised.placeholderNonce).toBe(built.placeholderNonce);
    for (const shown of [revised.html, revised.text, editionPage(revised, { publicUrl: settings.publicUrl }), archivePage([revised], {})]) {
      expect(shown).not.toContain('Defamatory');
    }
    expect(revised.html).toContain('One story was withdrawn from this edition by the publisher');
    expect(revised.text).toContain('One story was withdrawn from this edition by the publisher');
    expect(editionPage(revised, { publicUrl: settings.publicUrl })).toContain('One story was withdrawn');
    // A send after the takedown personalises the revised edition: still working links, no story.
    const email = personaliseEdition(revised, { email: 'r@example.com' }, clock.now(), settings);
    expect(email.html).not.toContain('Defamatory');
    expect(email.html).toContain('/unsubscribe?token=');
  });

  it('moves the next-ranked story up, summarised, when a story of the email is withdrawn', async () => {
    const topics = [
      'Harbour',
      'Orchestra',
      'Glacier',
      'Vineyard',
      'Satellite',
      'Marathon',
      'Lighthouse',
      'Museum',
      'Railway',
      'Library',
      'Volcano',
      'Festival',
    ];
    const list = topics.map((topic, i) =>
      anArticle({
        title: `${topic} news of the day number ${i + 1}`,
        text: `The ${topic.toLowerCase()} story began early on Thursday morning in the old town. Officials from the ${topic.toLowerCase()} office gave details at noon to waiting reporters. Residents said the ${topic.toLowerCase()} change would matter for years to come.`,
        source: `Source ${i + 1}`,
        url: `https://news.example/${topic.toLowerCase()}`,
        publishedAt: new Date(Date.parse('2026-11-26T06:50:00.000Z') - i * 60_000).toISOString(),
      }),
    );
    const built = await store(list);
    expect(built.stories).toHaveLength(settings.maxStories);
    expect(built.moreStories.length).toBeGreaterThan(0);
    const next = built.moreStories[0]!;
    expect(next.summary).toEqual([]);

    await withdrawArticle(built.stories[1]!.articleId, deps());

    const revised = (await editions.get(built.id))!;
    expect(revised.stories).toHaveLength(settings.maxStories);
    expect(revised.stories.at(-1)).toMatchObject({ articleId: next.articleId, title: next.title });
    expect(revised.stories.at(-1)!.summary.length).toBeGreaterThan(0);
    expect(revised.moreStories.map((story) => story.articleId)).toEqual(built.moreStories.slice(1).map((story) => story.articleId));
    expect(revised.text).toContain(revised.stories.at(-1)!.summary[0]!.slice(0, 40));
  });

  it('drops a withdrawn second report from "also in" and keeps the story', async () => {
    const primary = bankReport('Reuters', 'https://reuters.example/ecb', ' Analysts expect a cut in spring.');
    const second = bankReport('Financial Wire', 'https://wire.example/ecb');
    const built = await store([primary, second]);
    expect(built.stories).toHaveLength(1);
    expect(built.stories[0]!.alsoIn.map((other) => other.source)).toEqual(['Financial Wire']);

    await withdrawArticle(second.id, deps());

    const revised = (await editions.get(built.id))!;
    expect(revised.stories).toHaveLength(1);
    expect(revised.stories[0]!.alsoIn).toEqual([]);
    expect(revised.html).not.toContain('Financial Wire');
    expect(revised.withdrawn).toEqual([{ articleId: second.id, at: '2026-11-26T09:00:00.000Z' }]);
  });

  it('keeps the article out of every later edition, and a re-post is a duplicate', async () => {
    const gone = anArticle({ title: 'Withdrawn report' });
    await articles.putIfAbsent(gone);
    await withdrawArticle(gone.id, deps());
    const listed: Article[] = [];
    for await (const article of articles.listIngested(SINCE, CUTOFF)) listed.push(article);
    expect(listed).toEqual([]);
    expect(await articles.putIfAbsent({ ...gone })).toBe('duplicate');
    expect((await articles.get(gone.id))?.withdrawnAt).toBeDefined();
  });

  it('leaves editions without the article alone, and is idempotent', async () => {
    const kept = await store([anArticle({ title: 'Unrelated story' })], '2026-11-26T07:00:05.000Z');
    const gone = anArticle({ title: 'Later report', ingestedAt: '2026-11-26T08:00:00.000Z' });
    await articles.putIfAbsent(gone);
    const first = await withdrawArticle(gone.id, deps());
    clock.advance(60_000);
    const again = await withdrawArticle(gone.id, deps());
    expect(first.editions).toEqual([]);
    expect(again).toEqual({ ...first, editions: [] });
    expect(await editions.get(kept.id)).toEqual(kept);
  });

  it('refuses an id that is not one, naming the field, and reports an unknown one as not found', async () => {
    await expect(withdrawArticle('../../etc', deps())).rejects.toSatisfy(
      (error) => error instanceof ValidationError && error.issues[0]?.field === 'id',
    );
    await expect(withdrawArticle('a'.repeat(64), deps())).rejects.toBeInstanceOf(ArticleNotFoundError);
  });
});
