/**
 * The order of an edition: which merged stories lead, which make the email and which go to
 * "and K more", and the sections they are listed under. The score is documented in
 * docs/architecture.md ("Ranking and sections"); change both together.
 */
import { type ArticleCluster, articleTime } from './merge.ts';
import type { Article } from '../ingest/index.ts';

const HOUR_MS = 3600 * 1000;
/** A story loses half its recency score per day of age: a daily digest leads with today. */
const RECENCY_HALF_LIFE_HOURS = 24;
/**
 * Substance: how much the fullest report has to say, up to this many words (a headline alone
 * scores 0, a 600-word report 1), so a bare headline does not outrank a report of the same age.
 */
const SUBSTANCE_FULL_WORDS = 600;
const SUBSTANCE_WEIGHT = 0.3;
/** Reports that open with the same words are one syndicated copy, not an independent source. */
const OPENING_CHARS = 160;
/** Listed last, when other stories have topics and these have none. */
export const OTHER_SECTION = 'Other news';

export interface RankOptions {
  /** The end of the window; ages are measured from here. Default: the newest article's time. */
  cutoff?: string;
  /** The reader's topics (lower case): stories on them come first. */
  readerTopics?: readonly string[];
  maxStories: number;
}

export interface RankedCluster {
  cluster: ArticleCluster;
  /** Independent sources reporting the story (see independentSources). */
  sources: number;
  score: number;
  /** Newest time of any report of the story. */
  time: number;
  onReaderTopic: boolean;
  section?: string;
}

export interface Ranking {
  /** At most maxStories, in reading order, sections contiguous. */
  top: RankedCluster[];
  /** The rest, in the same order. */
  more: RankedCluster[];
}

function members(cluster: ArticleCluster): Article[] {
  return [cluster.primary, ...cluster.others];
}

/** `The Guardian`, `guardian` and `www.theguardian.com` are one source. */
function sourceKey(source: string): string {
  return source
    .toLowerCase()
    .replace(/^(?:https?:\/\/)?(?:www\.)?/u, '')
    .replace(/\.(?:com|co\.uk|org|net|news)(?:\/.*)?$/u, '')
    .replace(/^the\s*/u, '')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

function opening(article: Article): string {
  return article.text
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase()
    .slice(0, OPENING_CHARS);
}

/**
 * Independent sources: distinct sources (by sourceKey), where a report opening with the same
 * words as one already counted (wire copy republished under another name) adds none.
 */
export function independentSources(cluster: ArticleCluster): number {
  const sources = new Set<string>();
  const openings = new Set<string>();
  for (const article of members(cluster)) {
    const key = sourceKey(article.source);
    const text = opening(article);
    if (sources.has(key) || (text !== '' && openings.has(text))) continue;
    sources.add(key);
    if (text !== '') openings.add(text);
  }
  return Math.max(1, sources.size);
}

function substance(cluster: ArticleCluster): number {
  const words = Math.max(...members(cluster).map((article) => article.text.split(/\s+/u).filter(Boolean).length));
  return Math.min(1, Math.log1p(words) / Math.log1p(SUBSTANCE_FULL_WORDS));
}

/**
 * Importance within a tier of equal source counts: score = 0.5^(age hours / 24) + 0.3 × substance.
 * A full report published at the cutoff scores 1.3, the same a day old 0.8, a bare headline
 * now 1. See docs/architecture.md ("Ranking") for how it combines with sources and topics.
 */
export function storyScore(cluster: ArticleCluster, nowMs: number): { score: number; time: number; sources: number } {
  const time = Math.max(...members(cluster).map(articleTime));
  const ageHours = Math.max(0, (nowMs - time) / HOUR_MS);
  const score = 0.5 ** (ageHours / RECENCY_HALF_LIFE_HOURS) + SUBSTANCE_WEIGHT * substance(cluster);
  return { score, time, sources: independentSources(cluster) };
}

/** `world news` -> `World News`, `us-politics` -> `Us-Politics`: topics are stored lower case. */
export function sectionTitle(topic: string): string {
  return topic.replace(/(^|[\s-])(\p{Ll})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

function storyTopics(cluster: ArticleCluster): string[] {
  return [...new Set(members(cluster).flatMap((article) => article.topics))];
}

/**
 * Reader topics are a tier, not a bonus: every story on them comes before any other. Within a
 * tier, more independent sources first (what many newsrooms chose to cover is what matters
 * most), then the higher score (recency and substance), then newer, then by title, so the
 * order is total and repeatable.
 */
function compare(a: RankedCluster, b: RankedCluster): number {
  return (
    Number(b.onReaderTopic) - Number(a.onReaderTopic) ||
    b.sources - a.sources ||
    b.score - a.score ||
    b.time - a.time ||
    a.cluster.primary.title.localeCompare(b.cluster.primary.title) ||
    a.cluster.primary.id.localeCompare(b.cluster.primary.id)
  );
}

/** Keeps each section together, sections in the order of their best story, OTHER_SECTION last. */
function groupBySection(ranked: readonly RankedCluster[]): RankedCluster[] {
  const sections = new Map<string, RankedCluster[]>();
  for (const item of ranked) {
    const key = item.section ?? '';
    const list = sections.get(key);
    if (list) list.push(item);
    else sections.set(key, [item]);
  }
  const other = sections.get(OTHER_SECTION) ?? [];
  sections.delete(OTHER_SECTION);
  return [...[...sections.values()].flat(), ...other];
}

/** A story's window-level facts: what ranking it for any reader's topics needs, computed once per window. */
export interface ScoredCluster {
  cluster: ArticleCluster;
  sources: number;
  score: number;
  time: number;
  /** The topics of its reports, first seen first. */
  topics: string[];
}

/** A window's stories scored once, in the order of `compare` for a reader without topics. */
export interface ScoredWindow {
  stories: ScoredCluster[];
  /** Any story has topics: then every story is listed under a section. */
  withSections: boolean;
}

/** The costly part of ranking (sources, substance, recency), which no reader's topics change. */
export function scoreClusters(clusters: readonly ArticleCluster[], options: Pick<RankOptions, 'cutoff'> = {}): ScoredWindow {
  const nowMs = options.cutoff
    ? Date.parse(options.cutoff)
    : Math.max(0, ...clusters.flatMap((cluster) => members(cluster).map(articleTime)));
  const stories = clusters.map((cluster): ScoredCluster => ({ cluster, ...storyScore(cluster, nowMs), topics: storyTopics(cluster) }));
  const unranked = (story: ScoredCluster): RankedCluster => ({ ...story, onReaderTopic: false });
  const order = stories.map(unranked).sort(compare);
  const rank = new Map(order.map((item, index) => [item.cluster, index]));
  stories.sort((a, b) => rank.get(a.cluster)! - rank.get(b.cluster)!);
  return { stories, withSections: stories.some((story) => story.topics.length > 0) };
}

/**
 * One reader's order of a scored window. `compare` puts reader-topic stories first and is
 * otherwise the window's order, so a stable partition of the scored order is the sort itself.
 */
export function rankScored(window: ScoredWindow, options: Omit<RankOptions, 'cutoff'>): Ranking {
  const readerTopics = new Set(options.readerTopics ?? []);
  const onTopic: RankedCluster[] = [];
  const offTopic: RankedCluster[] = [];
  const titles = new Map<string, string>();
  const titleOf = (topic: string) => titles.get(topic) ?? titles.set(topic, sectionTitle(topic)).get(topic)!;
  for (const { topics, ...story } of window.stories) {
    const readerTopic = readerTopics.size === 0 ? undefined : topics.find((topic) => readerTopics.has(topic));
    const sectionTopic = readerTopic ?? topics[0];
    const ranked: RankedCluster = {
      ...story,
      onReaderTopic: readerTopic !== undefined,
      section: window.withSections ? (sectionTopic === undefined ? OTHER_SECTION : titleOf(sectionTopic)) : undefined,
    };
    (ranked.onReaderTopic ? onTopic : offTopic).push(ranked);
  }
  const ranked = [...onTopic, ...offTopic];
  // Cut by rank first, then group: a weak story in a strong section must not push a strong one out.
  return {
    top: groupBySection(ranked.slice(0, options.maxStories)),
    more: groupBySection(ranked.slice(options.maxStories)),
  };
}

/**
 * One window ranked for one reader from scratch. The planner scores a window once and ranks it
 * per topic set with rankScored; this stays the reference that path is tested against.
 */
export function rankClusters(clusters: readonly ArticleCluster[], options: RankOptions): Ranking {
  const readerTopics = new Set(options.readerTopics ?? []);
  const nowMs = options.cutoff
    ? Date.parse(options.cutoff)
    : Math.max(0, ...clusters.flatMap((cluster) => members(cluster).map(articleTime)));
  const withSections = clusters.some((cluster) => storyTopics(cluster).length > 0);
  const ranked = clusters
    .map((cluster): RankedCluster => {
      const topics = storyTopics(cluster);
      const readerTopic = topics.find((topic) => readerTopics.has(topic));
      const sectionTopic = readerTopic ?? topics[0];
      return {
        cluster,
        ...storyScore(cluster, nowMs),
        onReaderTopic: readerTopic !== undefined,
        section: withSections ? (sectionTopic === undefined ? OTHER_SECTION : sectionTitle(sectionTopic)) : undefined,
      };
    })
    .sort(compare);
  return {
    top: groupBySection(ranked.slice(0, options.maxStories)),
    more: groupBySection(ranked.slice(options.maxStories)),
  };
}
