/**
 * Near-duplicate detection: the same event reported by several sources, or by one source
 * twice, becomes one cluster. Reports are compared by TF-IDF cosine over their title and lead
 * (stemmed content words), because rewritten wire copy shares names, places and numbers far
 * more than it shares exact phrases, which shingle hashing would need.
 */
import { splitSentences } from './sentences.ts';
import { termCounts } from './summarise.ts';
import type { Article } from './types.ts';

/**
 * Reports at least this similar are one story. In the tests, rewrites of one event by two
 * desks score 0.60-0.70 and a republished copy 1.0; different events on one subject (two
 * central banks, two earthquakes, two supermarkets' results, the talks and that day's list of
 * key events) score 0.09-0.34. Across the 50 BBC dev articles the most similar pair, one
 * author tipped for a prize and then winning it, scores 0.52 and stays two stories.
 */
export const DUPLICATE_THRESHOLD = 0.55;
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
}

type Vector = Map<string, number>;

/** Names and figures tell one event from another on the same subject (Tesco or Sainsbury's, 6.8 or 7.8). */
const NAME_WEIGHT = 2;
/** A capitalised word that does not open its sentence, or a number. */
const NAME_OR_FIGURE = /(?<=\s['‘"“(]?)\p{Lu}[\p{L}\p{M}'’-]*|\p{N}[\p{N}.,]*\p{L}{0,3}/gu;

/**
 * Term counts of the title plus the first sentences (bounded, so a 100 KB body costs no more
 * than a short one), names and figures of the lead counted NAME_WEIGHT times.
 */
function leadTerms(article: Article): Map<string, number> {
  const lead = splitSentences(article.text.slice(0, LEAD_CHARS)).slice(0, LEAD_SENTENCES);
  const terms = termCounts(`${article.title}\n\n${lead.join(' ')}`);
  const names = new Set<string>();
  for (const sentence of lead) {
    for (const [name] of sentence.matchAll(NAME_OR_FIGURE)) for (const term of termCounts(name).keys()) names.add(term);
  }
  for (const term of names) {
    const count = terms.get(term);
    if (count !== undefined) terms.set(term, count * NAME_WEIGHT);
  }
  return terms;
}

function unitVectors(termsPerArticle: readonly Map<string, number>[]): Vector[] {
  const documentFrequency = new Map<string, number>();
  for (const terms of termsPerArticle) {
    for (const term of terms.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const population = Math.max(termsPerArticle.length, MIN_IDF_DOCUMENTS);
  return termsPerArticle.map((terms) => {
    const vector: Vector = new Map();
    let norm = 0;
    for (const [term, count] of terms) {
      const idf = Math.log((population + 1) / ((documentFrequency.get(term) ?? 0) + 1)) + 1;
      const weight = (1 + Math.log(count)) * idf;
      vector.set(term, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [term, weight] of vector) vector.set(term, weight / norm);
    return vector;
  });
}

/** Cosine similarity of every pair of articles' title and lead (TF-IDF over the given articles). */
export function leadSimilarities(articles: readonly Article[]): (i: number, j: number) => number {
  const vectors = unitVectors(articles.map(leadTerms));
  return (i, j) => {
    const a = vectors[i];
    const b = vectors[j];
    if (!a || !b) return 0;
    const [small, large] = a.size <= b.size ? [a, b] : [b, a];
    let dot = 0;
    for (const [term, weight] of small) dot += weight * (large.get(term) ?? 0);
    return dot;
  };
}

function textLength(article: Article): number {
  return article.text.length;
}

/**
 * Groups reports of the same event. Each article, fullest first, joins the first cluster whose
 * primary it resembles at least `threshold`, else starts its own; comparing with the primary
 * only (not any member) keeps a chain of loosely similar reports from snowballing into one.
 * At worst O(n²) comparisons of sparse vectors; only articles sharing a term are compared.
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
  const vectors = unitVectors(order.map(({ article }) => leadTerms(article)));
  const clusters: ArticleCluster[] = [];
  const primaryVectors: Vector[] = [];
  // Which clusters' primaries carry a term: the candidates an article is compared with.
  const primariesByTerm = new Map<string, number[]>();
  order.forEach(({ article }, position) => {
    const vector = vectors[position]!;
    const dots = new Map<number, number>();
    for (const [term, weight] of vector) {
      for (const cluster of primariesByTerm.get(term) ?? []) {
        dots.set(cluster, (dots.get(cluster) ?? 0) + weight * (primaryVectors[cluster]?.get(term) ?? 0));
      }
    }
    let joined: number | undefined;
    for (const [cluster, dot] of dots) {
      if (dot >= threshold && (joined === undefined || cluster < joined)) joined = cluster;
    }
    if (joined !== undefined) {
      clusters[joined]!.others.push(article);
      return;
    }
    const index = clusters.length;
    clusters.push({ primary: article, others: [] });
    primaryVectors.push(vector);
    for (const term of vector.keys()) {
      const list = primariesByTerm.get(term);
      if (list) list.push(index);
      else primariesByTerm.set(term, [index]);
    }
  });
  return clusters;
}
