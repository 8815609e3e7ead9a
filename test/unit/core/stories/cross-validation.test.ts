import { describe, expect, it } from 'vitest';
import { assignFolds, coordinateSearch, crossValidate } from '../../../../bench/support/cross-validation.ts';

const ids = Array.from({ length: 50 }, (_, index) => `topic${index % 5}/${String(index).padStart(3, '0')}.txt`);

describe('cross-validation folds (bench support)', () => {
  it('splits ids into disjoint folds that cover every id once, sizes within one of each other', () => {
    const folds = assignFolds(ids, 5);
    expect(folds).toHaveLength(5);
    const all = folds.flat();
    expect(all).toHaveLength(ids.length);
    expect(new Set(all)).toEqual(new Set(ids));
    expect(folds.map((fold) => fold.length)).toEqual([10, 10, 10, 10, 10]);
    const uneven = assignFolds(ids.slice(0, 12), 5).map((fold) => fold.length);
    expect(Math.max(...uneven) - Math.min(...uneven)).toBeLessThanOrEqual(1);
  });

  it('assigns the same folds whatever order the ids come in', () => {
    const shuffled = [...ids].reverse();
    const sortedFolds = (list: readonly string[]) => assignFolds(list, 5).map((fold) => [...fold].sort());
    expect(sortedFolds(shuffled)).toEqual(sortedFolds(ids));
    expect(assignFolds(ids, 5)).toEqual(assignFolds(ids, 5));
  });

  it('does not deal the ids out in listing order', () => {
    const folds = assignFolds(ids, 5);
    expect(folds[0]).not.toEqual(ids.filter((_, index) => index % 5 === 0));
  });

  it('refuses fewer than two folds, duplicate ids, and more folds than ids', () => {
    expect(() => assignFolds(ids, 1)).toThrow(RangeError);
    expect(() => assignFolds(['a', 'a', 'b'], 2)).toThrow(RangeError);
    expect(() => assignFolds(['a', 'b'], 3)).toThrow(RangeError);
  });
});

describe('coordinate search (bench support)', () => {
  it('climbs to the grid point that maximises a separable objective', () => {
    const result = coordinateSearch({ x: 0, y: 0 }, { x: [0, 1, 2, 3], y: [0, 1, 2] }, ({ x, y }) => -((x - 2) ** 2) - (y - 1) ** 2);
    expect(result.weights).toEqual({ x: 2, y: 1 });
    expect(result.objective).toBeCloseTo(0, 10);
  });

  it('keeps the starting weights when no grid value scores strictly better', () => {
    const result = coordinateSearch({ x: 1, y: 5 }, { x: [0, 1, 2] }, () => 7);
    expect(result.weights).toEqual({ x: 1, y: 5 });
  });
});

describe('cross-validation (bench support)', () => {
  interface Item {
    id: string;
    value: number;
  }
  const items: Item[] = ids.map((id, index) => ({ id, value: index }));

  it('tunes each fold on the other folds only and scores it on its own items only', () => {
    const tuneCalls: string[][] = [];
    const results = crossValidate(
      items,
      (item) => item.id,
      5,
      (train) => {
        tuneCalls.push(train.map((item) => item.id));
        // A fake "tuner" whose weight is the training set's sum: it would differ if it saw held-out items.
        return { sum: train.reduce((total, item) => total + item.value, 0) };
      },
      (weights, heldOut) => ({ weights, scoredIds: heldOut.map((item) => item.id) }),
    );
    const total = items.reduce((sum, item) => sum + item.value, 0);
    expect(results).toHaveLength(5);
    for (const [fold, result] of results.entries()) {
      const heldOut = new Set(result.heldOutIds);
      expect(tuneCalls[fold]!.some((id) => heldOut.has(id))).toBe(false);
      expect(tuneCalls[fold]!.length + heldOut.size).toBe(items.length);
      expect(result.heldOut.scoredIds).toEqual(result.heldOutIds);
      const heldOutSum = items.filter((item) => heldOut.has(item.id)).reduce((sum, item) => sum + item.value, 0);
      expect(result.weights.sum).toBe(total - heldOutSum);
    }
    expect(new Set(results.flatMap((result) => result.heldOutIds))).toEqual(new Set(ids));
  });
});
