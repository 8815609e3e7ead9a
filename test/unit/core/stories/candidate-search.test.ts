import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../functions/core/ingest/index.ts';
import { type ArticleCluster, clusterArticles } from '../../../../functions/core/stories/merge.ts';
import { FAMILIES } from '../../../fixtures/merge-set/index.ts';
import { HELD_OUT } from '../../../fixtures/merge-set/held-out.ts';
import { labelledArticle } from '../../../fixtures/merge-set/evaluate.ts';
import { seedBatchArticles, seedPageArticles } from '../../../support/news-fixtures.ts';

const ids = (clusters: readonly ArticleCluster[]) =>
  clusters.map((cluster) => [cluster.primary.id, ...cluster.others.map((other) => other.id)]);

/** Every report of every family as one window, and each family as its own window. */
function labelledWindows(): Article[][] {
  const families = [...FAMILIES, ...HELD_OUT].map((family) => family.events.flatMap((event) => event.reports.map(labelledArticle)));
  return [families.flat(), ...families];
}

// No deliberate differences: both searches are exact (see clusterArticles).
describe('candidate search', () => {
  it('gives the clusters of comparing every article with every primary on the labelled set', () => {
    for (const window of labelledWindows())
      expect(ids(clusterArticles(window))).toEqual(ids(clusterArticles(window, { exhaustive: true })));
  });

  it('gives the clusters of the exhaustive comparison on the seed articles', () => {
    for (const window of [seedBatchArticles(), seedPageArticles(), [...seedBatchArticles(), ...seedPageArticles()]]) {
      expect(ids(clusterArticles(window))).toEqual(ids(clusterArticles(window, { exhaustive: true })));
    }
  });
});

const at = '2026-11-25T10:00:00.000Z';
function report(id: string, source: string, title: string, text: string, language: string): Article {
  return { id, source, title, text, language, topics: [], publishedAt: at, ingestedAt: at };
}

/** Two rewrites of one event, and two unrelated reports, in one script. */
const SCRIPTS = {
  arabic: {
    language: 'ar',
    same: [
      [
        'زلزال بقوة 6.8 يضرب جنوب تركيا',
        'ضرب زلزال بقوة 6.8 درجات جنوب تركيا صباح اليوم. وقالت هيئة الكوارث إن فرق الإنقاذ تبحث عن ناجين تحت الأنقاض في مدينة أضنة.',
      ],
      [
        'فرق الإنقاذ تبحث عن ناجين بعد زلزال جنوب تركيا',
        'تبحث فرق الإنقاذ عن ناجين تحت الأنقاض في مدينة أضنة بعد أن ضرب زلزال بقوة 6.8 درجات جنوب تركيا، بحسب هيئة الكوارث.',
      ],
    ],
    other: [
      ['البنك المركزي يرفع سعر الفائدة', 'رفع البنك المركزي المصري سعر الفائدة الرئيسي نقطتين مئويتين لمواجهة التضخم المتسارع في البلاد.'],
      ['افتتاح معرض الكتاب في الرياض', 'افتتح معرض الرياض الدولي للكتاب أبوابه للزوار بمشاركة أكثر من ألف دار نشر من ثلاثين دولة.'],
    ],
  },
  chinese: {
    language: 'zh',
    same: [
      ['土耳其南部发生6.8级地震', '土耳其南部今天上午发生6.8级地震。灾害管理局表示，救援队正在阿达纳市的废墟下搜寻幸存者。'],
      ['救援队在土耳其南部地震废墟中搜寻幸存者', '灾害管理局说，土耳其南部发生6.8级地震后，救援队正在阿达纳市的废墟下搜寻幸存者。'],
    ],
    other: [
      ['中央银行上调利率', '中央银行将基准利率上调两个百分点，以应对不断上升的通货膨胀。'],
      ['北京国际书展开幕', '北京国际图书博览会今天开幕，来自三十个国家的一千多家出版社参展。'],
    ],
  },
  russian: {
    language: 'ru',
    same: [
      [
        'Землетрясение магнитудой 6,8 произошло на юге Турции',
        'Землетрясение магнитудой 6,8 произошло на юге Турции утром. Спасатели ищут выживших под завалами в городе Адана, сообщило агентство по чрезвычайным ситуациям.',
      ],
      [
        'Спасатели ищут выживших после землетрясения на юге Турции',
        'Спасатели ищут выживших под завалами в городе Адана после землетрясения магнитудой 6,8 на юге Турции, сообщило агентство по чрезвычайным ситуациям.',
      ],
    ],
    other: [
      [
        'Центробанк повысил ключевую ставку',
        'Центральный банк повысил ключевую ставку на два процентных пункта, чтобы сдержать ускорение инфляции.',
      ],
      [
        'В Москве открылась книжная ярмарка',
        'Международная книжная ярмарка открылась в Москве, в ней участвуют более тысячи издательств из тридцати стран.',
      ],
    ],
  },
} as const;

describe('windows in one non-Latin script', () => {
  for (const [script, { language, same, other }] of Object.entries(SCRIPTS)) {
    it(`merges a rewrite of one event and keeps unrelated reports apart (${script})`, () => {
      const window = [
        report(`${script}-a`, 'Agency A', same[0][0], same[0][1], language),
        report(`${script}-b`, 'Agency B', same[1][0], same[1][1], language),
        report(`${script}-c`, 'Agency C', other[0][0], other[0][1], language),
        report(`${script}-d`, 'Agency D', other[1][0], other[1][1], language),
      ];
      const clusters = ids(clusterArticles(window)).map((cluster) => [...cluster].sort());
      expect(clusters.sort()).toEqual([[`${script}-a`, `${script}-b`], [`${script}-c`], [`${script}-d`]].sort());
      expect(ids(clusterArticles(window))).toEqual(ids(clusterArticles(window, { exhaustive: true })));
    });
  }

  it('never merges reports in different scripts', () => {
    const window = Object.values(SCRIPTS).map(({ language, same }, index) =>
      report(`x-${index}`, `Agency ${index}`, same[0][0], same[0][1], language),
    );
    expect(clusterArticles(window)).toHaveLength(3);
  });
});
