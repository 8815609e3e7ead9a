/**
 * Extractive summaries: a few sentences of the article itself, never words it does not have. Each
 * sentence is scored by where it stands (news puts the point first), how central it is to
 * the article (LexRank over TF-IDF cosine similarity) and how much it shares with the
 * title; the best are picked greedily, skipping ones that repeat what is already chosen. An
 * acronym the article defined in a sentence left out is written out where the summary first
 * uses it (acronyms.ts), within the word budget.
 */
import { z } from 'zod';
import { acronymDefinitions, withExpansions, type AcronymDefinition } from './acronyms.ts';
import { splitSentences } from './sentences.ts';
import { DEFAULT_SUMMARY_WEIGHTS, type SummaryWeights, weightsSchema } from './summary-weights.ts';
import { cutToWords, termCounts, wordCount } from './terms.ts';
import { cosineMatrix, lexRank, normaliseToMax, tfIdfVectors } from './lexrank.ts';

/**
 * The email's summary: two sentences in about 60 words read in four or five lines on a phone,
 * where three sentences took ten to twelve. `digest summarize` and bench:summary ask for three.
 */
export const EMAIL_SUMMARY_SENTENCES = 2;
export const EMAIL_SUMMARY_WORDS = 60;

const optionsSchema = z.object({
  maxSentences: z.number().int().min(1).max(10).default(EMAIL_SUMMARY_SENTENCES),
  maxWords: z.number().int().min(5).max(1000).default(EMAIL_SUMMARY_WORDS),
  weights: weightsSchema.default(() => ({ ...DEFAULT_SUMMARY_WEIGHTS })),
});

export type SummaryOptions = z.input<typeof optionsSchema>;

/**
 * Only the first sentences compete: the similarity graph is quadratic in their number,
 * and in news prose a sentence this far down hardly ever beats the lead.
 */
const MAX_CANDIDATES = 150;
/** Far more text than MAX_CANDIDATES sentences of news prose fill. */
const MAX_SCAN_CHARS = 50_000;

const TYPICAL_SENTENCE_WORDS = 20;
const SHORT_FRAGMENT_WORDS = 8;

/** Openings of sentences about the article rather than the news: kept, but ranked lower. */
const META_OPENINGS = [
  'here (?:is|are)',
  "here's",
  'this is (?:how|what)',
  'below',
  'read (?:more|on)',
  'click',
  'tap',
  'sign up',
  'subscribe',
  'follow (?:us|our|live)',
  'related',
  'advertisement',
  'watch',
  'listen',
  'share (?:this|on)',
  'more on this',
  'image (?:source|caption)',
  'photo',
  'getty images',
  'list of key events',
];
const META_SENTENCE = new RegExp(`^(?:${META_OPENINGS.join('|')})\\b`, 'iu');

interface Candidate {
  index: number;
  text: string;
  words: number;
  /** Words once every acronym it uses is written out: what it can cost the word budget at most. */
  shownWords: number;
  terms: Map<string, number>;
}

/**
 * The summary: at most `maxSentences` sentences of the text, in article order, within
 * `maxWords` words. A single sentence, or one without any punctuation, is cut at a word
 * boundary with an ellipsis when it is too long. Text without a sentence (empty, or markup
 * only) gives the title, so an entry is never blank; [] only when both are empty.
 */
export function summarise(input: { title: string; text: string }, options: SummaryOptions = {}): string[] {
  const { maxSentences, maxWords, weights } = optionsSchema.parse(options);
  const sentences = leadingSentences(input.text);
  const first = sentences[0];
  if (first === undefined) {
    const [title] = splitSentences(input.title.replace(/\s+/gu, ' '));
    return title === undefined ? [] : [cutToWords(title, maxWords)];
  }
  if (sentences.length === 1) return [cutToWords(first, maxWords)];

  const definitions = acronymDefinitions(sentences);
  const candidates = sentences.map((text, index): Candidate => ({
    index,
    text,
    words: wordCount(text),
    shownWords: wordCount(withExpansions(text, index, definitions).text),
    terms: termCounts(text),
  }));
  const vectors = tfIdfVectors(candidates.map((candidate) => candidate.terms));
  const similarity = cosineMatrix(vectors);
  const centrality = normaliseToMax(lexRank(similarity, candidates.length));
  const titleTerms = new Set(termCounts(input.title).keys());
  const scores = candidates.map(
    (candidate) =>
      (weights.position * positionScore(candidate.index) +
        weights.centrality * (centrality[candidate.index] ?? 0) +
        weights.title * titleOverlap(titleTerms, candidate.terms)) *
      penalty(candidate, weights.lengthExponent),
  );

  const chosen = pick(candidates, scores, similarity, { maxSentences, maxWords }, weights);
  if (chosen.length === 0) {
    // Every sentence is over the budget on its own: cut the best one.
    const best = candidates[bestIndex(scores)] ?? candidates[0]!;
    return [cutToWords(withExpansions(best.text, best.index, definitions).text, maxWords)];
  }
  return explained(
    chosen.sort((a, b) => a.index - b.index),
    definitions,
  );
}

/**
 * The chosen sentences in order, each acronym the article defined before them written out where
 * the summary first uses it, unless a sentence shown before defines or explains it already.
 */
function explained(chosen: readonly Candidate[], definitions: ReadonlyMap<string, AcronymDefinition>): string[] {
  const known = new Set<string>();
  return chosen.map((candidate) => {
    const shown = withExpansions(candidate.text, candidate.index, definitions, known);
    for (const acronym of shown.explained) known.add(acronym);
    return shown.text;
  });
}

/**
 * The first MAX_CANDIDATES sentences, splitting only as much text as they can need so a
 * long article costs no more than a short one. A sentence cut by that limit is dropped,
 * unless it is the only one.
 */
function leadingSentences(text: string): string[] {
  if (text.length <= MAX_SCAN_CHARS) return splitSentences(text).slice(0, MAX_CANDIDATES);
  const sentences = splitSentences(text.slice(0, MAX_SCAN_CHARS));
  if (sentences.length > MAX_CANDIDATES) return sentences.slice(0, MAX_CANDIDATES);
  return sentences.length > 1 ? sentences.slice(0, -1) : sentences;
}

/** Lead-N: the first `n` sentences, the baseline any summariser of news has to beat. */
export function leadSentences(text: string, n: number): string[] {
  return splitSentences(text).slice(0, Math.max(0, n));
}

/**
 * The sentences that must be shown with sentence `index`: itself and, while a sentence leans on
 * the one before it (DEPENDENT_OPENING), that one too. Undefined when the chain reaches the
 * article's first sentence still leaning: nothing shown could carry its antecedent.
 */
function withAntecedents(candidates: readonly Candidate[], index: number): Candidate[] | undefined {
  const chain = [candidates[index]!];
  for (let at = index; leansOnPrevious(candidates[at]!.text); at -= 1) {
    if (at === 0) return undefined;
    chain.unshift(candidates[at - 1]!);
  }
  return chain;
}

function pick(
  candidates: readonly Candidate[],
  scores: readonly number[],
  similarity: Float64Array,
  limits: { maxSentences: number; maxWords: number },
  weights: SummaryWeights,
): Candidate[] {
  const size = candidates.length;
  const chosen: Candidate[] = [];
  const remaining = new Set(candidates.filter((candidate) => candidate.shownWords <= limits.maxWords));
  let words = 0;
  const topScore = Math.max(0, ...scores);
  while (chosen.length < limits.maxSentences && remaining.size > 0) {
    let best: Candidate[] | undefined;
    let bestValue = -Infinity;
    for (const candidate of remaining) {
      const bundle = withAntecedents(candidates, candidate.index)?.filter((c) => !chosen.includes(c));
      const bundleWords = bundle?.reduce((total, c) => total + c.shownWords, 0) ?? 0;
      const overlap = Math.max(0, ...chosen.map((c) => similarity[candidate.index * size + c.index] ?? 0));
      if (
        !bundle ||
        overlap >= weights.redundant ||
        chosen.length + bundle.length > limits.maxSentences ||
        words + bundleWords > limits.maxWords
      ) {
        remaining.delete(candidate);
        continue;
      }
      const score = scores[candidate.index] ?? 0;
      // A label or run-in heading split off its paragraph reads as a dangling line after a sentence.
      if (chosen.length > 0 && isLabel(candidate)) {
        remaining.delete(candidate);
        continue;
      }
      // Past the first two, a sentence has to earn its place, not merely fit the words left.
      if (chosen.length >= 2 && score < weights.weakShare * topScore) {
        remaining.delete(candidate);
        continue;
      }
      const value = weights.relevanceShare * score - (1 - weights.relevanceShare) * overlap;
      if (value > bestValue) {
        best = bundle;
        bestValue = value;
      }
    }
    if (!best) break;
    for (const sentence of best) {
      chosen.push(sentence);
      remaining.delete(sentence);
      words += sentence.shownWords;
    }
  }
  return chosen;
}

function positionScore(index: number): number {
  return 1 / (1 + index / 2);
}

function penalty(candidate: Candidate, lengthExponent: number): number {
  let factor = Math.min(2, candidate.words / TYPICAL_SENTENCE_WORDS) ** lengthExponent;
  if (candidate.words < SHORT_FRAGMENT_WORDS) factor *= 0.5;
  if (META_SENTENCE.test(candidate.text.replace(/^['"‘“([]+/u, ''))) factor *= 0.5;
  if (/\?['"’”)\]]*$/u.test(candidate.text)) factor *= 0.8;
  if (isQuoteFragment(candidate.text)) factor *= 0.7;
  if (candidate.index > 0 && leansOnPrevious(candidate.text)) factor *= 0.8;
  // A heading or caption split from its paragraph, not a sentence.
  if (!endsLikeSentence(candidate.text)) factor *= 0.3;
  return factor;
}

function endsLikeSentence(text: string): boolean {
  return /[.!?…。！？]['"’”)\]]*$/u.test(text);
}

/** A few words with no closing punctuation: a heading, caption or label, not a sentence. */
function isLabel(candidate: Candidate): boolean {
  return candidate.words < SHORT_FRAGMENT_WORDS && !endsLikeSentence(candidate.text);
}

/**
 * Opens with a connective or a pronoun that points back at the sentence before (`But`,
 * `However`, `He`, `They`, `This`…): shown without that sentence it reads as an answer to a
 * question nobody asked, so it is only ever shown after it.
 */
const DEPENDENT_OPENING = new RegExp(
  `^['"‘“(]*(?:${[
    'but',
    'however',
    'and',
    'or',
    'so',
    'yet',
    'also',
    'still',
    'meanwhile',
    'moreover',
    'furthermore',
    'instead',
    'nevertheless',
    'nonetheless',
    'thus',
    'therefore',
    'besides',
    'likewise',
    'similarly',
    'otherwise',
    'then',
    'indeed',
    'even so',
    'as a result',
    'in addition',
    'by contrast',
    'on the other hand',
    'he',
    'she',
    'they',
    'it',
    'this',
    'these',
    'those',
    'that',
    'his',
    'her',
    'their',
    'its',
    'him',
    'them',
    'such',
  ].join('|')})(?![\\p{L}\\p{N}'’-])`,
  'iu',
);

function leansOnPrevious(text: string): boolean {
  return DEPENDENT_OPENING.test(text);
}

const OPENING_QUOTE = /(?:^|[\s([–—-])['‘"“](?=\S)/u;
const CLOSING_QUOTE = /\S['’"”](?=[\s,.;:!?)\]–—-]|$)/u;

/** One sentence out of a longer quotation: it opens a quote it never closes, or the reverse. */
function isQuoteFragment(text: string): boolean {
  if (/^['‘"“]/u.test(text)) return !CLOSING_QUOTE.test(text.slice(1));
  if (/[.!?…]['’"”]$/u.test(text)) return !OPENING_QUOTE.test(text.slice(0, -1));
  return false;
}

function titleOverlap(titleTerms: ReadonlySet<string>, terms: ReadonlyMap<string, number>): number {
  if (titleTerms.size === 0) return 0;
  let shared = 0;
  for (const term of titleTerms) if (terms.has(term)) shared += 1;
  return shared / titleTerms.size;
}

function bestIndex(scores: readonly number[]): number {
  let best = 0;
  scores.forEach((score, index) => {
    if (score > (scores[best] ?? -Infinity)) best = index;
  });
  return best;
}
