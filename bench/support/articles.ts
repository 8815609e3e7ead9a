/**
 * Deterministic article payloads for the benchmarks, built from the prose of
 * examples/articles.json so the summariser and the HTML reducer see real news sentences:
 * 2-5 KB bodies, a share of them HTML, URLs carrying utm_* and other tracking parameters.
 */
import { readFileSync } from 'node:fs';
import { toArticle, validateArticle } from '../../functions/core/ingest/article.ts';
import type { Article } from '../../functions/core/ingest/types.ts';

const EXAMPLES = new URL('../../examples/articles.json', import.meta.url);

/** mulberry32: small, fast and seeded, so every run of a benchmark sees the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

interface Corpus {
  sentences: string[];
  words: string[];
}

let corpus: Corpus | undefined;

/** Sentences rather than paragraphs: some sample bodies are one 10 KB paragraph. */
function loadCorpus(): Corpus {
  if (corpus) return corpus;
  const parsed = JSON.parse(readFileSync(EXAMPLES, 'utf8')) as { articles: { body?: string }[] };
  const sentences = parsed.articles
    .flatMap((article) => (article.body ?? '').split(/(?<=[.!?]['"’”]?)\s+(?=[A-Z‘'"“])/))
    .map((sentence) => sentence.replace(/\s+/g, ' ').trim())
    .filter((sentence) => sentence.length > 30);
  const words = [
    ...new Set(
      sentences
        .join(' ')
        .split(' ')
        .filter((word) => /^[A-Za-z]{4,}$/.test(word)),
    ),
  ];
  corpus = { sentences, words };
  return corpus;
}

const SOURCES = ['Al Jazeera', 'The Example Times', 'Daily Planet', 'Metro Wire', 'Le Monde Exemple', 'Harbour Herald'];
const HOSTS = ['news.example', 'www.Example-Times.test', 'dailyplanet.example', 'metrowire.example'];
const SECTIONS = ['world', 'politics', 'business', 'science', 'culture', 'sport'];
const TOPICS = ['world', 'europe', 'middle east', 'economy', 'climate', 'technology', 'health', 'sport'];
const TRACKING = [
  'utm_source=rss&utm_medium=feed&utm_campaign=daily',
  'utm_source=newsletter&utm_medium=email&utm_content=top-story&fbclid=IwAR0abc',
  'utm_source=twitter&ref=share&gclid=xyz123',
  'page=2&utm_term=news',
  '',
];

/** What a publisher POSTs for one article. */
export interface ArticlePayload {
  title: string;
  source: string;
  body?: string;
  summary?: string;
  url?: string;
  publishedAt?: string;
  topics?: string[];
  language?: string;
  imageUrl?: string;
}

export interface PayloadOptions {
  /** Distinguishes data sets: the same (seed, index) always gives the same article. */
  seed: number;
  count: number;
  /** Share of bodies sent as HTML. */
  htmlShare?: number;
  /** Share of articles without a URL (identified by source + title + text instead). */
  noUrlShare?: number;
  /** The topics articles are tagged with, two each; the default is eight newsroom sections. */
  topics?: readonly string[];
}

/** Paragraphs of 2-5 sentences until the text reaches `targetBytes` (it may pass it by one sentence). */
function plainBody(random: () => number, targetBytes: number): string[] {
  const { sentences } = loadCorpus();
  const paragraphs: string[] = [];
  let size = 0;
  while (size < targetBytes) {
    const length = 2 + Math.floor(random() * 4);
    const paragraph = Array.from({ length }, () => pick(random, sentences)).join(' ');
    paragraphs.push(paragraph);
    size += paragraph.length + 2;
  }
  return paragraphs;
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&#8217;');

/** The markup CMS exports carry: headings, links, emphasis, figures, an embed and a tracking script. */
function htmlBody(random: () => number, paragraphs: readonly string[], url: string): string {
  const parts = paragraphs.map((paragraph, index) => {
    const words = escapeText(paragraph).split(' ');
    if (words.length > 12) {
      const at = 3 + Math.floor(random() * (words.length - 8));
      words[at] = `<a href="${url}#p${index}" rel="noopener">${words[at]}</a>`;
      words[at + 3] = `<strong>${words[at + 3]}</strong>`;
    }
    return index === 2 ? `<h2>${words.slice(0, 6).join(' ')}</h2>\n<p>${words.join(' ')}</p>` : `<p>${words.join(' ')}</p>`;
  });
  parts.splice(
    1,
    0,
    '<figure><img src="https://img.example/photo.jpg" alt="A photo"><figcaption>Photo: Example Agency</figcaption></figure>',
  );
  parts.push('<div class="embed"><iframe src="https://video.example/embed/1"></iframe></div>');
  parts.push('<script>window.dataLayer=window.dataLayer||[];dataLayer.push({event:"article"});</script>');
  return `<article>\n${parts.join('\n')}\n</article>`;
}

function title(random: () => number, index: number): string {
  const { words } = loadCorpus();
  const length = 6 + Math.floor(random() * 7);
  const chosen = Array.from({ length }, () => pick(random, words));
  const text = chosen.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)} (${index})`;
}

/** `count` article payloads, unique per (seed, index) by URL and by title. */
export function articlePayloads(options: PayloadOptions): ArticlePayload[] {
  const { seed, count, htmlShare = 0.3, noUrlShare = 0.1, topics = TOPICS } = options;
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const host = pick(random, HOSTS);
    const slug = `story-${seed}-${index}`;
    const tracking = pick(random, TRACKING);
    const url = `https://${host}/${pick(random, SECTIONS)}/2026/11/${slug}${tracking ? `?${tracking}` : ''}${random() < 0.2 ? '#comments' : ''}`;
    const paragraphs = plainBody(random, 1800 + Math.floor(random() * 3000));
    const html = random() < htmlShare;
    const payload: ArticlePayload = {
      title: title(random, index),
      source: pick(random, SOURCES),
      body: html ? htmlBody(random, paragraphs, url) : paragraphs.join('\n\n'),
      publishedAt: new Date(Date.UTC(2026, 10, 25, 8) + Math.floor(random() * 22 * 3600 * 1000)).toISOString(),
      topics: [pick(random, topics), pick(random, topics)],
      language: 'en',
    };
    if (random() >= noUrlShare) payload.url = url;
    if (random() < 0.5) payload.imageUrl = `https://img.example/${slug}.jpg?w=1200&utm_source=rss`;
    return payload;
  });
}

/** The payloads as the store would hold them, through core's own validation and reduction. */
export function storedArticles(payloads: readonly ArticlePayload[], ingestedAt: (index: number) => string): Article[] {
  return payloads.map((payload, index) => {
    const validated = validateArticle(payload, index);
    if (!validated.ok) throw new Error(`generated article ${index} is invalid: ${JSON.stringify(validated.issues)}`);
    return toArticle(validated.input, ingestedAt(index)).article;
  });
}

/** Batch request bodies of up to `size` articles, serialised as the API receives them. */
export function batchBodies(payloads: readonly ArticlePayload[], size = 100): string[] {
  const bodies: string[] = [];
  for (let start = 0; start < payloads.length; start += size) {
    bodies.push(JSON.stringify({ articles: payloads.slice(start, start + size) }));
  }
  return bodies;
}
