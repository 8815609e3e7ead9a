/**
 * ROUGE-N and ROUGE-L (summary level, union LCS) F1, as in Lin (2004) and Google's rouge-score
 * package: lower-cased alphanumeric tokens, Porter-stemmed when asked, no stop-word removal.
 * Only the bench uses it, to compare our summaries with reference summaries.
 */
import { stemmer } from 'stemmer';

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

export interface RougeOptions {
  stem?: boolean;
}

/** rouge-score's tokenizer: anything that is not a-z or 0-9 separates tokens. */
export function tokenize(text: string, options: RougeOptions = {}): string[] {
  const tokens = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((token) => token !== '');
  // rouge-score stems only tokens longer than three characters.
  return options.stem ? tokens.map((token) => (token.length > 3 ? stemmer(token) : token)) : tokens;
}

function score(overlap: number, candidateTotal: number, referenceTotal: number): RougeScore {
  const precision = candidateTotal > 0 ? overlap / candidateTotal : 0;
  const recall = referenceTotal > 0 ? overlap / referenceTotal : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

function nGramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i += 1) {
    const gram = tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** ROUGE-N: clipped n-gram overlap between the whole candidate and the whole reference. */
export function rougeN(candidate: string, reference: string, n: number, options: RougeOptions = {}): RougeScore {
  const candidateCounts = nGramCounts(tokenize(candidate, options), n);
  const referenceCounts = nGramCounts(tokenize(reference, options), n);
  let overlap = 0;
  let candidateTotal = 0;
  let referenceTotal = 0;
  for (const count of candidateCounts.values()) candidateTotal += count;
  for (const [gram, count] of referenceCounts) {
    referenceTotal += count;
    overlap += Math.min(count, candidateCounts.get(gram) ?? 0);
  }
  return score(overlap, candidateTotal, referenceTotal);
}

/** Positions in `a` of one longest common subsequence of `a` and `b`. */
function lcsPositions(a: readonly string[], b: readonly string[]): number[] {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      table[i * width + j] =
        a[i - 1] === b[j - 1] ? table[(i - 1) * width + j - 1]! + 1 : Math.max(table[(i - 1) * width + j]!, table[i * width + j - 1]!);
    }
  }
  const positions: number[] = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    if (a[i - 1] === b[j - 1]) {
      positions.push(i - 1);
      i -= 1;
      j -= 1;
    } else if (table[(i - 1) * width + j]! >= table[i * width + j - 1]!) i -= 1;
    else j -= 1;
  }
  return positions.reverse();
}

/**
 * Summary-level ROUGE-L ("rougeLsum"): for each reference sentence, the union of its LCS
 * tokens with every candidate sentence, counted with clipping so a token is credited no more
 * often than it occurs in either side.
 */
export function rougeLsum(
  candidateSentences: readonly string[],
  referenceSentences: readonly string[],
  options: RougeOptions = {},
): RougeScore {
  const candidates = candidateSentences.map((sentence) => tokenize(sentence, options));
  const references = referenceSentences.map((sentence) => tokenize(sentence, options));
  const candidateLeft = new Map<string, number>();
  const referenceLeft = new Map<string, number>();
  let candidateTotal = 0;
  let referenceTotal = 0;
  for (const tokens of candidates) {
    candidateTotal += tokens.length;
    for (const token of tokens) candidateLeft.set(token, (candidateLeft.get(token) ?? 0) + 1);
  }
  for (const tokens of references) {
    referenceTotal += tokens.length;
    for (const token of tokens) referenceLeft.set(token, (referenceLeft.get(token) ?? 0) + 1);
  }
  let hits = 0;
  for (const reference of references) {
    const union = new Set<number>();
    for (const candidate of candidates) for (const position of lcsPositions(reference, candidate)) union.add(position);
    for (const position of [...union].sort((a, b) => a - b)) {
      const token = reference[position]!;
      const inCandidate = candidateLeft.get(token) ?? 0;
      const inReference = referenceLeft.get(token) ?? 0;
      if (inCandidate > 0 && inReference > 0) {
        hits += 1;
        candidateLeft.set(token, inCandidate - 1);
        referenceLeft.set(token, inReference - 1);
      }
    }
  }
  return score(hits, candidateTotal, referenceTotal);
}

/**
 * The extractive ceiling: the best summary of at most `maxSentences` of the article's own
 * sentences, chosen greedily (each step adds the sentence that raises ROUGE-2 F1 against the
 * reference most, ROUGE-1 breaking ties, stopping when none raises it), in article order. Exact
 * search over all triples is no better in practice and costs O(n³) ROUGE evaluations.
 */
export function extractiveCeiling(
  sentences: readonly string[],
  reference: string,
  maxSentences: number,
  options: RougeOptions = {},
): string[] {
  const chosen: number[] = [];
  let bestScore = { r2: 0, r1: 0 };
  while (chosen.length < maxSentences) {
    let bestIndex = -1;
    let bestTry = bestScore;
    sentences.forEach((_, index) => {
      if (chosen.includes(index)) return;
      const text = [...chosen, index]
        .sort((a, b) => a - b)
        .map((i) => sentences[i])
        .join('\n');
      const r2 = rougeN(text, reference, 2, options).f1;
      const r1 = rougeN(text, reference, 1, options).f1;
      if (r2 > bestTry.r2 || (r2 === bestTry.r2 && r1 > bestTry.r1)) {
        bestTry = { r2, r1 };
        bestIndex = index;
      }
    });
    if (bestIndex === -1) break;
    chosen.push(bestIndex);
    bestScore = bestTry;
  }
  return chosen.sort((a, b) => a - b).map((index) => sentences[index]!);
}
