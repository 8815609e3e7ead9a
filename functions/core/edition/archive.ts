/** Which editions the public archive lists. */
import { editionId } from './edition.ts';
import type { Edition } from './types.ts';

/**
 * One entry per edition window, in the order given: readers with topics get per-topic variants
 * of the same window (same stories, their own order), which are one edition to a visitor. The
 * variant without topics stands for its window when it exists, otherwise the first one given.
 */
export function oneEditionPerWindow(editions: readonly Edition[]): Edition[] {
  const chosen = new Map<string, Edition>();
  for (const edition of editions) {
    const window = `${edition.cutoff}|${edition.since}`;
    const held = chosen.get(window);
    if (held === undefined || (held.id !== editionId(held.since, held.cutoff) && edition.id === editionId(edition.since, edition.cutoff))) {
      chosen.set(window, edition);
    }
  }
  // Map keeps first-insertion order, so a replaced variant keeps its window's place.
  return [...chosen.values()];
}
