/**
 * The summariser's free weights (summarise.ts): what each one does, their shipped values and
 * the ranges a caller, such as the bench's tuning, may set them to.
 */
import { z } from 'zod';

/**
 * The free weights of summarise's scoring and picking, tuned on ../shared/corpus/bbc-dev by
 * `npm run bench:summary -- --folds 5`: the same search, tuned on four folds, reaches 80.2% of
 * the extractive ceiling's ROUGE-2 on the fifth (mean of five); 80.6% in-sample for these.
 */
export const DEFAULT_SUMMARY_WEIGHTS = {
  /** Weights of a sentence's position, LexRank centrality and title overlap in its score. */
  position: 0.1,
  centrality: 0.4,
  title: 0.2,
  /**
   * Longer sentences carry more of the story: a sentence's score is multiplied by
   * min(2, words / 20)^lengthExponent, a mild lift for 30-40-word sentences over 10-word ones.
   */
  lengthExponent: 0.3,
  /** MMR trade-off between a sentence's own score and its overlap with sentences already chosen. */
  relevanceShare: 0.6,
  /** Sentences at least this similar to a chosen one say the same thing. */
  redundant: 0.5,
  /** A third sentence must score at least this share of the best sentence's score. */
  weakShare: 0.5,
} as const;

export type SummaryWeights = { readonly [K in keyof typeof DEFAULT_SUMMARY_WEIGHTS]: number };

const unitWeight = z.number().min(0).max(1);
export const weightsSchema = z.object({
  position: unitWeight.default(DEFAULT_SUMMARY_WEIGHTS.position),
  centrality: unitWeight.default(DEFAULT_SUMMARY_WEIGHTS.centrality),
  title: unitWeight.default(DEFAULT_SUMMARY_WEIGHTS.title),
  lengthExponent: z.number().min(0).max(3).default(DEFAULT_SUMMARY_WEIGHTS.lengthExponent),
  relevanceShare: unitWeight.default(DEFAULT_SUMMARY_WEIGHTS.relevanceShare),
  redundant: unitWeight.default(DEFAULT_SUMMARY_WEIGHTS.redundant),
  weakShare: unitWeight.default(DEFAULT_SUMMARY_WEIGHTS.weakShare),
});
