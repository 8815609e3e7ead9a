/**
 * Articles from the seed fixtures: the API batch (examples/articles.json) and the same four
 * stories as one scraped news page (test/fixtures/seed-page.txt: the main article in full, the
 * other three as "Related Articles" teasers of a title and a first paragraph).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Article } from '../../functions/core/ingest/types.ts';

interface SeedItem {
  title: string;
  body: string;
  source: string;
  publishedAt: string;
  url?: string;
  topics?: string[];
}

const seedBatch = JSON.parse(readFileSync(new URL('../../examples/articles.json', import.meta.url), 'utf8')) as {
  articles: SeedItem[];
};

function toArticle(item: { title: string; text: string; source: string; publishedAt?: string; topics?: string[] }, key: string): Article {
  return {
    id: createHash('sha256').update(key).digest('hex'),
    title: item.title,
    text: item.text,
    source: item.source,
    url: `https://news.example/${createHash('sha256').update(key).digest('hex').slice(0, 8)}`,
    publishedAt: item.publishedAt,
    topics: item.topics ?? [],
    ingestedAt: '2026-11-26T06:00:00.000Z',
  };
}

/** The four seed stories as the API batch delivers them. */
export function seedBatchArticles(): Article[] {
  return seedBatch.articles.map((item, index) => toArticle({ ...item, text: item.body }, `batch-${index}`));
}

/** The scraped page: its main article, then one teaser per related article, in page order. */
export function seedPageArticles(): Article[] {
  const lines = readFileSync(new URL('../fixtures/seed-page.txt', import.meta.url), 'utf8').split('\n');
  const dateLine = lines.findIndex((line) => line.startsWith('Al Jazeera'));
  const end = lines.indexOf('Orange background');
  const main = toArticle({ title: lines[1]!.trim(), text: lines.slice(dateLine + 1, end).join('\n\n'), source: 'Daily8' }, 'page-main');
  const teasers: Article[] = [];
  lines.forEach((line, index) => {
    if (line.trim() !== '• Al Jazeera') return;
    const title = lines[index + 2]?.trim() ?? '';
    const text = lines[index + 4]?.trim() ?? '';
    teasers.push(toArticle({ title, text, source: 'Daily8' }, `page-teaser-${teasers.length}`));
  });
  return [main, ...teasers];
}
