/**
 * K-fold cross-validation for the bench's tuned weights: figures reported on articles the tuning
 * never saw. Folds are assigned from a hash of each item's id, so the split depends neither on
 * file listing order nor on a random seed; tuning is a deterministic coordinate search over a
 * small grid per weight.
 */

/** FNV-1a, 32 bits: a stable, well-spread hash of an id. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * `folds` disjoint folds covering every id once, sizes differing by at most one: ids ordered
 * by hash (then by id, for equal hashes) are dealt out round-robin.
 */
export function assignFolds(ids: readonly string[], folds: number): string[][] {
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be an integer of at least 2, got ${folds}`);
  if (new Set(ids).size !== ids.length) throw new RangeError('ids must be unique');
  if (ids.length < folds) throw new RangeError(`${folds} folds need at least ${folds} items, got ${ids.length}`);
  const ordered = [...ids].sort((a, b) => fnv1a(a) - fnv1a(b) || (a < b ? -1 : a > b ? 1 : 0));
  const result: string[][] = Array.from({ length: folds }, () => []);
  ordered.forEach((id, index) => result[index % folds]!.push(id));
  return result;
}

/** The values each weight may take during tuning. */
export type Grid<Weights extends Record<string, number>> = { readonly [K in keyof Weights]?: readonly number[] };

/**
 * Coordinate ascent from `start`: each weight in turn takes the grid value that maximises
 * `objective` with the others held; passes repeat until one changes nothing or `maxPasses` run
 * out. A value replaces the current one only if it scores more than `minGain` better, so ties
 * (and, with a margin, gains too small to tell from noise) keep the starting weights. Returns the
 * weights and their objective.
 */
export function coordinateSearch<Weights extends Record<string, number>>(
  start: Weights,
  grid: Grid<Weights>,
  objective: (weights: Weights) => number,
  { maxPasses = 3, minGain = 0 }: { maxPasses?: number; minGain?: number } = {},
): { weights: Weights; objective: number; evaluations: number } {
  let best = { ...start };
  let bestValue = objective(best);
  let evaluations = 1;
  for (let pass = 0; pass < maxPasses; pass += 1) {
    let changed = false;
    for (const key of Object.keys(grid) as (keyof Weights & string)[]) {
      for (const value of grid[key] ?? []) {
        if (value === best[key]) continue;
        const trial = { ...best, [key]: value };
        const trialValue = objective(trial);
        evaluations += 1;
        if (trialValue > bestValue + minGain) {
          best = trial;
          bestValue = trialValue;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return { weights: best, objective: bestValue, evaluations };
}

export interface FoldResult<Weights, Score> {
  fold: number;
  trainIds: string[];
  heldOutIds: string[];
  weights: Weights;
  heldOut: Score;
}

/**
 * For each fold: `tune` sees only the other folds' items, then `score` judges the tuned weights
 * on the held-out fold alone.
 */
export function crossValidate<Item, Weights, Score>(
  items: readonly Item[],
  idOf: (item: Item) => string,
  folds: number,
  tune: (train: readonly Item[]) => Weights,
  score: (weights: Weights, heldOut: readonly Item[]) => Score,
): FoldResult<Weights, Score>[] {
  const byId = new Map(items.map((item) => [idOf(item), item]));
  const split = assignFolds([...byId.keys()], folds);
  return split.map((heldOutIds, fold) => {
    const heldOutSet = new Set(heldOutIds);
    const train = items.filter((item) => !heldOutSet.has(idOf(item)));
    const weights = tune(train);
    const heldOut = score(
      weights,
      heldOutIds.map((id) => byId.get(id)!),
    );
    return { fold, trainIds: train.map(idOf), heldOutIds, weights, heldOut };
  });
}
