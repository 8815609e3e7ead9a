/**
 * Near-duplicate detection: the same event reported by several sources, or by one source
 * twice, becomes one cluster. Reports are compared by TF-IDF cosine over their title and lead
 * (stemmed content words), because rewritten wire copy shares names, places and numbers far
 * more than it shares exact phrases, which shingle hashing would need. Two thresholds: at or
 * above DUPLICATE_THRESHOLD reports are one story; between SECOND_LOOK_THRESHOLD and it, a
 * second look weighs the names, figures and headline words they share and when they appeared
 * (see sameEventOnSecondLook). The labelled set in test/fixtures/merge-set measures both.
 */
import { eventFeatures, type EventFeatures, sharedCount, sharedFigures } from './event-features.ts';
import { splitSentences } from './sentences.ts';
import { termCounts } from './terms.ts';
import { type Article, canonicalUrl } from '../ingest/index.ts';

/**
 * Reports at least this similar are one story without a second look: a republished or lightly
 * edited copy scores 0.9-1.0. In the labelled set no two different events score above 0.45.
 */
export const DUPLICATE_THRESHOLD = 0.55;
/** Below this cosine two reports share too little of their lead to be one event. */
export const SECOND_LOOK_THRESHOLD = 0.15;
/**
 * The second look merges when cosine + 0.6 × headline cover + 0.2 × shared figures (at most
 * two) − 0.15 when both give figures and none agree reaches this. Tuned on half the labelled
 * families and checked on the other half (docs/architecture.md, "Merging").
 */
const SECOND_LOOK_EVIDENCE = 0.53;
const HEADLINE_WEIGHT = 0.6;
const FIGURE_WEIGHT = 0.2;
const MAX_FIGURES_COUNTED = 2;
/** Two reports giving figures that all differ (a 6.8 and a 7.8 quake) are likely two events. */
const FIGURE_CONFLICT = 0.15;
/**
 * Reports further apart than this are one event only when their leads nearly match: a story a
 * day and a half later about the same company is usually a new development.
 */
const SAME_EVENT_WINDOW_HOURS = 36;
/** The lead: what every rewrite of a story repeats, before each source adds its own detail. */
const LEAD_SENTENCES = 3;
const LEAD_CHARS = 2000;
/**
 * IDF needs a population: a window of two articles would call every shared word common. Below
 * this many articles, the missing ones count as sharing none of the terms.
 */
const MIN_IDF_DOCUMENTS = 20;

export interface ArticleCluster {
  /** The report the story is shown from: the fullest text, then the earliest. */
  primary: Article;
  /** The other reports of the same event, in the order they were clustered. */
  others: Article[];
}

export interface MergeOptions {
  threshold?: number;
  /** Compare each article with every primary, not only the candidates: the reference the candidate search must equal. */
  exhaustive?: boolean;
}

/** A publishedAt in the future (a typo, or a publisher gaming the order) counts as the ingest time. */
export function articleTime(article: Pick<Article, 'publishedAt' | 'ingestedAt'>): number {
  const ingested = Date.parse(article.ingestedAt);
  return article.publishedAt ? Math.min(Date.parse(article.publishedAt), ingested) : ingested;
}

/** What the second look compares, computed once per article and only when a second look is needed. */
interface Profile {
  source: string;
  features: EventFeatures;
  headlineTerms: Set<string>;
  leadTerms: Set<string>;
  time: number;
}

function profile(article: Article, lead: readonly string[] = leadOf(article)): Profile {
  return {
    source: article.source.trim().toLowerCase(),
    features: eventFeatures(article.title, lead),
    headlineTerms: new Set(termCounts(article.title).keys()),
    leadTerms: new Set(termCounts(`${article.title}\n\n${lead.join(' ')}`).keys()),
    time: articleTime(article),
  };
}

/** Share of one report's headline terms that the other report's title and lead contain. */
function headlineCover(headline: ReadonlySet<string>, lead: ReadonlySet<string>): number {
  return headline.size === 0 ? 0 : sharedCount(headline, lead) / headline.size;
}

/**
 * For a pair whose cosine falls between the thresholds: one event when they come from different
 * sources (a source's own second report that does not repeat its lead is a new development),
 * appeared within SAME_EVENT_WINDOW_HOURS, share at least one name, and their evidence reaches
 * SECOND_LOOK_EVIDENCE. Each desk writes its own headline but about the same thing, so how much
 * of each headline the other report covers tells a rewrite from a neighbouring story (a Tube
 * strike and a signal failure on the same day share London and the Tube, not their headlines).
 */
export function sameEventOnSecondLook(cosine: number, a: Profile, b: Profile): boolean {
  if (a.source === b.source) return false;
  if (Math.abs(a.time - b.time) > SAME_EVENT_WINDOW_HOURS * 3600_000) return false;
  if (sharedCount(a.features.names, b.features.names) === 0) return false;
  const cover = (headlineCover(a.headlineTerms, b.leadTerms) + headlineCover(b.headlineTerms, a.leadTerms)) / 2;
  const shared = sharedFigures(a.features.figures, b.features.figures);
  const conflict = shared === 0 && a.features.figures.size > 0 && b.features.figures.size > 0;
  const evidence =
    cosine + HEADLINE_WEIGHT * cover + FIGURE_WEIGHT * Math.min(MAX_FIGURES_COUNTED, shared) - (conflict ? FIGURE_CONFLICT : 0);
  return evidence >= SECOND_LOOK_EVIDENCE;
}

/** A unit vector over term ids: ids ascending (for merge-join dot products), weights alongside. */
interface Vector {
  ids: Int32Array;
  weights: Float64Array;
}

/** Names and figures tell one event from another on the same subject (Tesco or Sainsbury's, 6.8 or 7.8). */
const NAME_WEIGHT = 2;
/** A capitalised word that does not open its sentence, or a number. */
const NAME_OR_FIGURE = /(?<=\s['‘"“(]?)\p{Lu}[\p{L}\p{M}'’-]*|\p{N}[\p{N}.,]*\p{L}{0,3}/gu;

/**
 * Term counts of the title plus the first sentences (bounded, so a 100 KB body costs no more
 * than a short one), names and figures of the lead counted NAME_WEIGHT times.
 */
function leadOf(article: Article): string[] {
  return splitSentences(article.text.slice(0, LEAD_CHARS)).slice(0, LEAD_SENTENCES);
}

function leadTerms(article: Article, lead: readonly string[] = leadOf(article)): Map<string, number> {
  const terms = termCounts(`${article.title}\n\n${lead.join(' ')}`);
  const names = lead.flatMap((sentence) => Array.from(sentence.matchAll(NAME_OR_FIGURE), ([name]) => name));
  for (const term of termCounts(names.join(' ')).keys()) {
    const count = terms.get(term);
    if (count !== undefined) terms.set(term, count * NAME_WEIGHT);
  }
  return terms;
}

function unitVectors(termsPerArticle: readonly Map<string, number>[]): Vector[] {
  const termIds = new Map<string, number>();
  const documentFrequency: number[] = [];
  for (const terms of termsPerArticle) {
    for (const term of terms.keys()) {
      let id = termIds.get(term);
      if (id === undefined) {
        id = termIds.size;
        termIds.set(term, id);
        documentFrequency.push(0);
      }
      documentFrequency[id] = documentFrequency[id]! + 1;
    }
  }
  const population = Math.max(termsPerArticle.length, MIN_IDF_DOCUMENTS);
  return termsPerArticle.map((terms) => {
    const entries = [...terms]
      .map(([term, count]) => {
        const id = termIds.get(term)!;
        const idf = Math.log((population + 1) / (documentFrequency[id]! + 1)) + 1;
        return { id, weight: (1 + Math.log(count)) * idf };
      })
      .sort((a, b) => a.id - b.id);
    const norm = Math.sqrt(entries.reduce((sum, entry) => sum + entry.weight * entry.weight, 0)) || 1;
    return {
      ids: Int32Array.from(entries, (entry) => entry.id),
      weights: Float64Array.from(entries, (entry) => entry.weight / norm),
    };
  });
}

/** Cosine similarity of every pair of articles' title and lead (TF-IDF over the given articles). */
export function leadSimilarities(articles: readonly Article[]): (i: number, j: number) => number {
  const vectors = unitVectors(articles.map((article) => leadTerms(article)));
  return (i, j) => {
    const a = vectors[i];
    const b = vectors[j];
    return a && b ? dot(a, b) : 0;
  };
}

/** Whether two reports are one event, as clusterArticles would judge them side by side. */
export function sameEvent(a: Article, b: Article, threshold = DUPLICATE_THRESHOLD): boolean {
  const cosine = leadSimilarities([a, b])(0, 1);
  if (cosine >= threshold) return true;
  return cosine >= SECOND_LOOK_THRESHOLD && sameEventOnSecondLook(cosine, profile(a), profile(b));
}

function textLength(article: Article): number {
  return article.text.length;
}

function dot(a: Vector, b: Vector): number {
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < a.ids.length && j < b.ids.length) {
    const difference = a.ids[i]! - b.ids[j]!;
    if (difference === 0) sum += a.weights[i++]! * b.weights[j++]!;
    else if (difference < 0) i += 1;
    else j += 1;
  }
  return sum;
}

/**
 * The primaries that can reach `threshold` with `vector`: those sharing one of its heaviest
 * terms. Terms are taken heaviest first until the rest have a norm below the threshold; a
 * unit vector sharing none of the taken terms has a cosine of at most that norm
 * (Cauchy-Schwarz), so no candidate is missed, and common words are rarely looked up at all.
 */
function candidatePrimaries(vector: Vector, threshold: number, primariesByTerm: readonly number[][]): Set<number> {
  const heaviestFirst = Array.from(vector.ids.keys()).sort(
    (a, b) => vector.weights[b]! - vector.weights[a]! || vector.ids[a]! - vector.ids[b]!,
  );
  let rest = 1;
  const candidates = new Set<number>();
  for (const index of heaviestFirst) {
    if (rest < threshold * threshold) break;
    for (const cluster of primariesByTerm[vector.ids[index]!] ?? []) candidates.add(cluster);
    rest -= vector.weights[index]! ** 2;
  }
  return candidates;
}

/** The canonical URL two posts of one page share, whoever posted them; undefined without a usable URL. */
function pageOf(article: Article): string | undefined {
  if (article.url === undefined) return undefined;
  try {
    return canonicalUrl(article.url);
  } catch {
    return undefined;
  }
}

/**
 * Groups reports of the same event. Articles linking to the same page (canonical URL) are one
 * story whatever their text: ids are per publisher, so two publishers posting one URL are both
 * stored, and shown as one story with both sources. Otherwise each article, fullest first, joins the first cluster whose
 * primary it resembles at least `threshold`, else starts its own; comparing with the primary
 * only (not any member) keeps a chain of loosely similar reports from snowballing into one.
 *
 * Candidate search (docs/architecture.md, "Merging at window sizes"): an article is compared
 * only with the primaries that can pass. For `threshold`, those sharing one of its heaviest terms
 * (candidatePrimaries, exact by Cauchy-Schwarz). For the second look, those sharing one of its
 * names, since sameEventOnSecondLook needs a shared name: probing every term down to the second
 * look's low cosine would reach nearly every primary. Both are exact, so the clusters are those of
 * comparing every article with every primary.
 */
export function clusterArticles(articles: readonly Article[], options: MergeOptions = {}): ArticleCluster[] {
  const threshold = options.threshold ?? DUPLICATE_THRESHOLD;
  const order = articles
    .map((article, index) => ({ article, index }))
    .sort(
      (a, b) =>
        textLength(b.article) - textLength(a.article) ||
        a.article.ingestedAt.localeCompare(b.article.ingestedAt) ||
        a.article.id.localeCompare(b.article.id),
    );
  const leads = order.map(({ article }) => leadOf(article));
  const vectors = unitVectors(order.map(({ article }, position) => leadTerms(article, leads[position])));
  const byName = threshold > SECOND_LOOK_THRESHOLD;
  const profiles = new Map<number, Profile>();
  const profileAt = (position: number): Profile => {
    let found = profiles.get(position);
    if (!found) {
      found = profile(order[position]!.article, leads[position]);
      profiles.set(position, found);
    }
    return found;
  };
  const clusters: ArticleCluster[] = [];
  const primaryVectors: Vector[] = [];
  const primaryPositions: number[] = [];
  // Which clusters' primaries carry a term, or a name: the candidates an article is compared with.
  const primariesByTerm: number[][] = [];
  const primariesByName = new Map<string, number[]>();
  const clusterOfPage = new Map<string, number>();
  order.forEach(({ article }, position) => {
    const page = pageOf(article);
    const samePage = page === undefined ? undefined : clusterOfPage.get(page);
    if (samePage !== undefined) {
      clusters[samePage]!.others.push(article);
      return;
    }
    const vector = vectors[position]!;
    const candidates = candidatePrimaries(vector, byName ? threshold : SECOND_LOOK_THRESHOLD, primariesByTerm);
    if (byName) {
      for (const name of profileAt(position).features.names) for (const cluster of primariesByName.get(name) ?? []) candidates.add(cluster);
    }
    if (options.exhaustive) for (let cluster = 0; cluster < clusters.length; cluster += 1) candidates.add(cluster);
    let joined: number | undefined;
    for (const cluster of candidates) {
      if (joined !== undefined && cluster > joined) continue;
      const cosine = dot(vector, primaryVectors[cluster]!);
      if (
        cosine >= threshold ||
        (cosine >= SECOND_LOOK_THRESHOLD && sameEventOnSecondLook(cosine, profileAt(position), profileAt(primaryPositions[cluster]!)))
      ) {
        joined = cluster;
      }
    }
    if (joined !== undefined) {
      clusters[joined]!.others.push(article);
      if (page !== undefined && !clusterOfPage.has(page)) clusterOfPage.set(page, joined);
      return;
    }
    const index = clusters.length;
    if (page !== undefined) clusterOfPage.set(page, index);
    clusters.push({ primary: article, others: [] });
    primaryVectors.push(vector);
    primaryPositions.push(position);
    for (const id of vector.ids) (primariesByTerm[id] ??= []).push(index);
    if (byName) {
      for (const name of profileAt(position).features.names) {
        const list = primariesByName.get(name);
        if (list) list.push(index);
        else primariesByName.set(name, [index]);
      }
    }
  });
  return clusters;
}
